package io.voiceagent.bench;

/** A counter of the service's metrics between scrapes, as {@link BucketBounds#overIntervals} takes a histogram. */
final class CounterScrapes {
    private CounterScrapes() {
    }

    /**
     * How much counter {@code name} grew over several stretches of a run, each between two scrapes given
     * in turn (start, end, start, end, ...); what it counted between one stretch's end and the next one's
     * start is left out.
     */
    static long overIntervals(String name, String... scrapes) {
        if (scrapes.length % 2 != 0) {
            throw new IllegalArgumentException("scrapes come in pairs, start and end: " + scrapes.length);
        }
        double grown = 0;
        for (int pair = 0; pair < scrapes.length; pair += 2) {
            grown += value(scrapes[pair + 1], name) - value(scrapes[pair], name);
        }
        return Math.round(grown);
    }

    /** The counter's value in one scrape, over all its label sets; 0 when the scrape does not have it. */
    static double value(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
