package io.voiceagent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads Prometheus text back for tests: samples by their full series name, and what may never go down. */
public final class Scrapes {
    private Scrapes() {
    }

    /** Every sample, keyed by name and labels as written (e.g. {@code x_total{status="busy"}}). */
    public static Map<String, Double> samples(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).replace("+Inf", "Infinity")));
        }
        return out;
    }

    /** The samples that may only grow: counters and histograms' buckets, sums and counts. */
    public static Map<String, Double> monotonic(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        samples(text).forEach((series, value) -> {
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_sum") || name.endsWith("_count")) {
                out.put(series, value);
            }
        });
        return out;
    }

    /** Fails unless every monotonic series of {@code earlier} is in {@code later} with at least its value. */
    public static void neverWentDown(Map<String, Double> earlier, Map<String, Double> later) {
        earlier.forEach((series, value) -> assertThat(later.get(series)).as(series).isNotNull()
                .isGreaterThanOrEqualTo(value));
    }
}
