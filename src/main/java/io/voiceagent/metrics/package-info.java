/**
 * The service's metrics: {@link io.voiceagent.metrics.ServiceMetrics} declares every one of them, in
 * one place, with its help text (after jitsi-videobridge's {@code VideobridgeMetrics}); the other
 * packages count into the fields they are handed. {@link io.voiceagent.metrics.MetricsRegistry} keeps
 * them in declaration order and writes them as Prometheus text ({@code PrometheusText}, exposition
 * format 0.0.4) for {@code GET /metrics}.
 *
 * <p>Kinds: a {@link io.voiceagent.metrics.Counter} only goes up, counted when the event happens (a
 * {@code LongAdder} per label set, cheap enough for every RTP packet) or read from a total its owner
 * keeps that only grows; a {@link io.voiceagent.metrics.Histogram} counts observations in buckets of
 * base units (seconds); a {@link io.voiceagent.metrics.Gauge} is sampled at scrape time from the
 * source its owner binds (live calls by status, registration state, journal state).
 *
 * <p>Threads: counting and observing run on any thread without a lock; a scrape runs on an HTTP
 * thread and calls the gauges' sources, which take only their owners' leaf locks (a live call's
 * lock to read its status, the journal's to read its state). No lock of this package exists.
 *
 * <p>A leaf like {@code net}: it depends on nothing of the project, and every package may use it.
 */
package io.voiceagent.metrics;
