package io.voiceagent.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metric families of one service, in the order they were declared, and their Prometheus text.
 * {@link ServiceMetrics} declares the service's; two families may not share a name.
 */
public final class MetricsRegistry {
    /** The media type of {@link #scrape()}'s text. */
    public static final String CONTENT_TYPE = PrometheusText.CONTENT_TYPE;

    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    private final Map<String, Metric> byName = new ConcurrentHashMap<>();

    public Counter counter(String name, String help, String... labelNames) {
        return add(new Counter(name, help, List.of(labelNames)));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return add(new Gauge(name, help, List.of(labelNames)));
    }

    /** @param bounds the buckets' upper bounds in seconds, rising ({@code +Inf} is added) */
    public Histogram histogram(String name, String help, double... bounds) {
        return add(new Histogram(name, help, bounds));
    }

    private <M extends Metric> M add(M metric) {
        if (byName.putIfAbsent(metric.name, metric) != null) {
            throw new IllegalArgumentException("metric " + metric.name + " is declared twice");
        }
        metrics.add(metric);
        return metric;
    }

    /** Every family with samples, as Prometheus text (exposition format 0.0.4). */
    public String scrape() {
        PrometheusText out = new PrometheusText();
        for (Metric metric : metrics) {
            metric.writeTo(out);
        }
        return out.text();
    }
}
