package io.voiceagent.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A value that goes up and down (live calls, a state), sampled when scraped from the source its owner
 * binds with {@link #sampledBy}. Until one is bound, or while the source sets nothing, the family is
 * left out of the scrape.
 */
public final class Gauge extends Metric {
    /** Where a source writes the gauge's current values, one per label set. */
    public interface Sink {
        void set(double value, String... labelValues);
    }

    private volatile Consumer<Sink> source;

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
    }

    /** Binds the source that is asked for the values at each scrape; a later binding replaces it. */
    public void sampledBy(Consumer<Sink> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    void writeTo(PrometheusText out) {
        Consumer<Sink> bound = source;
        if (bound == null) {
            return;
        }
        List<List<String>> keys = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        bound.accept((value, labelValues) -> {
            keys.add(key(labelValues));
            values.add(value);
        });
        if (keys.isEmpty()) {
            return;
        }
        out.family(name, help, "gauge");
        for (int i = 0; i < keys.size(); i++) {
            out.sample(name, labelNames, keys.get(i), PrometheusText.number(values.get(i)));
        }
    }
}
