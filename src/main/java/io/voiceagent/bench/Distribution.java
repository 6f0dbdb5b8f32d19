package io.voiceagent.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The summary of a set of durations: how many, median, 99th percentile and maximum, in nanoseconds.
 * Percentiles are nearest-rank (the smallest sample with at least p% of the samples at or below it),
 * so every figure printed is a duration that was actually measured.
 *
 * @param count number of samples; the other figures are 0 when it is 0
 */
public record Distribution(long count, long p50, long p99, long max) {

    public static final Distribution EMPTY = new Distribution(0, 0, 0, 0);

    /** Summarises {@code samples}; the array is sorted in place. */
    public static Distribution of(long[] samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.length == 0) {
            return EMPTY;
        }
        Arrays.sort(samples);
        return new Distribution(samples.length, nearestRank(samples, 50), nearestRank(samples, 99),
                samples[samples.length - 1]);
    }

    /** Nearest-rank percentile of sorted, non-empty {@code sorted}. */
    static long nearestRank(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** Rebuilds one from {@link #toJson()}. */
    static Distribution fromJson(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            return EMPTY;
        }
        return new Distribution(number(map, "count"), number(map, "p50_ns"), number(map, "p99_ns"),
                number(map, "max_ns"));
    }

    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count);
        out.put("p50_ns", p50);
        out.put("p99_ns", p99);
        out.put("max_ns", max);
        return out;
    }

    private static long number(Map<?, ?> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
