package io.voiceagent.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations in seconds, counted into buckets with fixed upper bounds (and {@code +Inf}), with their
 * sum and count, as Prometheus histograms are. Observing takes no lock and allocates nothing.
 */
public final class Histogram extends Metric {
    private final double[] bounds;
    /** Observations per bucket, not cumulative; the last is above every bound. */
    private final LongAdder[] buckets;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(String name, String help, double... bounds) {
        super(name, help, List.of());
        if (!name.endsWith("_seconds")) {
            throw new IllegalArgumentException("a duration histogram's name ends in _seconds: " + name);
        }
        if (bounds.length == 0) {
            throw new IllegalArgumentException(name + " needs at least one bucket bound");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!(bounds[i] > 0) || Double.isInfinite(bounds[i]) || i > 0 && bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException(name + ": bucket bounds must be finite, positive and rising");
            }
        }
        this.bounds = bounds.clone();
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Observes {@code nanos} nanoseconds; a negative duration (a clock that stepped back) counts as 0. */
    public void observeNanos(long nanos) {
        observeSeconds(Math.max(0, nanos) / 1e9);
    }

    public void observe(Duration duration) {
        observeNanos(duration.isNegative() ? 0 : duration.toNanos());
    }

    private void observeSeconds(double seconds) {
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        sum.add(seconds);
    }

    /** What has been observed so far. */
    public Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(bounds.clone(), cumulative, sum.sum());
    }

    @Override
    void writeTo(PrometheusText out) {
        Snapshot s = snapshot();
        out.family(name, help, "histogram");
        List<String> le = List.of("le");
        for (int i = 0; i < s.cumulative().length; i++) {
            String bound = i < bounds.length ? PrometheusText.number(bounds[i]) : "+Inf";
            out.sample(name + "_bucket", le, List.of(bound), Long.toString(s.cumulative()[i]));
        }
        out.sample(name + "_sum", List.of(), List.of(), PrometheusText.number(s.sum()));
        out.sample(name + "_count", List.of(), List.of(), Long.toString(s.count()));
    }

    /**
     * @param bounds     the buckets' upper bounds in seconds, without {@code +Inf}
     * @param cumulative observations at or below each bound, then in all ({@code +Inf})
     */
    public record Snapshot(double[] bounds, long[] cumulative, double sum) {
        public long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
