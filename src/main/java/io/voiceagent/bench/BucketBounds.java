package io.voiceagent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A histogram the service exposes on {@code /metrics}, summarised as {@link Distribution} summarises
 * samples, but only as far as the buckets tell: each figure is the upper bound of the bucket the p50,
 * the p99 or the largest observation fell in (so "at most"), in seconds; {@code +Inf} beyond the last.
 *
 * <p>Beside them, the share of observations beyond 1 ms and beyond 5 ms: a p99 moves a whole bucket
 * (≤ 0.5 to ≤ 1 to ≤ 2 ms) when its share crosses 1 %, so two runs whose p99 differ by a bucket may
 * differ little; the shares say by how much. NaN when the histogram has no such bound.
 *
 * @param count observations; the bounds and shares are 0 when it is 0
 */
record BucketBounds(long count, double p50AtMost, double p99AtMost, double maxAtMost,
                    double percentOver1Ms, double percentOver5Ms) {

    static final BucketBounds EMPTY = new BucketBounds(0, 0, 0, 0, 0, 0);

    /** Reads histogram {@code name}'s buckets from Prometheus text; EMPTY when it is not there. */
    static BucketBounds fromScrape(String text, String name) {
        return fromScrapes("", text, name);
    }

    /**
     * Histogram {@code name} between two scrapes of the same service: only what was observed after
     * {@code before} (a warm-up's observations are left out); EMPTY when it is not in {@code after}.
     */
    static BucketBounds fromScrapes(String before, String after, String name) {
        return overIntervals(name, before, after);
    }

    /**
     * Histogram {@code name} over several stretches of a run, each between two scrapes given in turn
     * (start, end, start, end, ...): what was observed between one stretch's end and the next one's
     * start (the bench stopping the service to look at it) is left out.
     */
    static BucketBounds overIntervals(String name, String... scrapes) {
        if (scrapes.length % 2 != 0) {
            throw new IllegalArgumentException("scrapes come in pairs, start and end: " + scrapes.length);
        }
        List<double[]> buckets = new ArrayList<>(); // {upper bound, count in the stretches}
        for (int pair = 0; pair < scrapes.length; pair += 2) {
            List<double[]> start = buckets(scrapes[pair], name);
            List<double[]> end = buckets(scrapes[pair + 1], name);
            if (buckets.isEmpty()) {
                end.forEach(bucket -> buckets.add(new double[] {bucket[0], 0}));
            }
            for (int i = 0; i < Math.min(end.size(), buckets.size()); i++) {
                buckets.get(i)[1] += end.get(i)[1] - (start.size() == end.size() ? start.get(i)[1] : 0);
            }
        }
        long count = buckets.isEmpty() ? 0 : (long) buckets.getLast()[1];
        if (count == 0) {
            return EMPTY;
        }
        return new BucketBounds(count, boundOfRank(buckets, rank(count, 50)), boundOfRank(buckets, rank(count, 99)),
                boundOfRank(buckets, count), percentOver(buckets, 0.001, count), percentOver(buckets, 0.005, count));
    }

    private static List<double[]> buckets(String text, String name) {
        String prefix = name + "_bucket{le=\"";
        List<double[]> buckets = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                int quote = line.indexOf('"', prefix.length());
                String le = line.substring(prefix.length(), quote);
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                double cumulative = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                buckets.add(new double[] {bound, cumulative});
            }
        }
        return buckets;
    }

    /** Nearest rank, as {@link Distribution} takes it. */
    private static long rank(long count, double percent) {
        return Math.max(1, (long) Math.ceil(percent / 100.0 * count));
    }

    /** Percent of the {@code count} observations above bucket bound {@code bound}; NaN when it is not a bound. */
    private static double percentOver(List<double[]> buckets, double bound, long count) {
        for (double[] bucket : buckets) {
            if (bucket[0] == bound) {
                return 100.0 * (count - bucket[1]) / count;
            }
        }
        return Double.NaN;
    }

    private static double boundOfRank(List<double[]> buckets, long rank) {
        for (double[] bucket : buckets) {
            if (bucket[1] >= rank) {
                return bucket[0];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    String asMillis() {
        return count == 0 ? "n/a"
                : "<= " + ms(p50AtMost) + " / <= " + ms(p99AtMost) + " / <= " + ms(maxAtMost) + " ms  (n=" + count + ")";
    }

    /** The shares beyond 1 and 5 ms, as the table shows them. */
    String sharesOver() {
        return count == 0 ? "n/a" : percent(percentOver1Ms) + " / " + percent(percentOver5Ms);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.3f %%", share);
    }

    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count);
        out.put("p50_at_most", jsonMs(p50AtMost));
        out.put("p99_at_most", jsonMs(p99AtMost));
        out.put("max_at_most", jsonMs(maxAtMost));
        out.put("percent_over_1_ms", jsonPercent(percentOver1Ms));
        out.put("percent_over_5_ms", jsonPercent(percentOver5Ms));
        return out;
    }

    private static String ms(double seconds) {
        return Double.isInfinite(seconds) ? "+Inf" : String.format(Locale.ROOT, "%.3f", seconds * 1000);
    }

    /** Rounded to a thousandth, or null when the histogram has no such bound (JSON has no NaN). */
    private static Object jsonPercent(double share) {
        return Double.isNaN(share) ? null : Math.round(share * 1000) / 1000.0;
    }

    /** Milliseconds, or the string "+Inf" beyond the last bound (JSON has no infinity). */
    private static Object jsonMs(double seconds) {
        return Double.isInfinite(seconds) ? "+Inf" : Math.round(seconds * 1_000_000) / 1000.0;
    }
}
