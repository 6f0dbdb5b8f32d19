package io.voiceagent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
    private final MetricsRegistry registry = new MetricsRegistry();

    @Test
    void countersGaugesAndHistogramsAreWrittenInDeclarationOrderWithHelpAndType() {
        Counter calls = registry.counter("x_calls_total", "Calls", "status");
        Gauge live = registry.gauge("x_live", "Live calls");
        Histogram setup = registry.histogram("x_setup_seconds", "Setup time", 0.5, 1, 2.5);
        calls.labels("completed").inc();
        calls.labels("completed").add(2);
        calls.labels("busy").inc();
        live.sampledBy(sink -> sink.set(4));
        setup.observe(Duration.ofMillis(300));
        setup.observe(Duration.ofMillis(1_000));
        setup.observeNanos(9_000_000_000L);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP x_calls_total Calls
                # TYPE x_calls_total counter
                x_calls_total{status="busy"} 1
                x_calls_total{status="completed"} 3
                # HELP x_live Live calls
                # TYPE x_live gauge
                x_live 4
                # HELP x_setup_seconds Setup time
                # TYPE x_setup_seconds histogram
                x_setup_seconds_bucket{le="0.5"} 1
                x_setup_seconds_bucket{le="1"} 2
                x_setup_seconds_bucket{le="2.5"} 2
                x_setup_seconds_bucket{le="+Inf"} 3
                x_setup_seconds_sum 10.3
                x_setup_seconds_count 3
                """);
    }

    @Test
    void helpTextAndLabelValuesAreEscapedSoNoValueCanForgeALine() {
        Counter counter = registry.counter("x_total", "line one\nback\\slash", "cause");
        counter.labels("say \"hi\"\n# TYPE x_total gauge").inc();

        assertThat(registry.scrape()).isEqualTo("""
                # HELP x_total line one\\nback\\\\slash
                # TYPE x_total counter
                x_total{cause="say \\"hi\\"\\n# TYPE x_total gauge"} 1
                """);
    }

    @Test
    void aFamilyWithoutSamplesIsLeftOutAndACounterWithoutLabelsStartsAtZero() {
        registry.counter("x_ended_total", "Ended", "status");
        registry.gauge("x_unbound", "Nobody bound a source");
        registry.counter("x_started_total", "Started");

        assertThat(registry.scrape()).isEqualTo("""
                # HELP x_started_total Started
                # TYPE x_started_total counter
                x_started_total 0
                """);
    }

    @Test
    void aCounterNeverGoesDown() {
        Counter counter = registry.counter("x_total", "X");
        assertThatThrownBy(() -> counter.labels().add(-1)).isInstanceOf(IllegalArgumentException.class);
        AtomicLong total = new AtomicLong(5);
        Counter read = registry.counter("y_total", "Y");
        read.countedBy(total::get);
        assertThat(read.value()).isEqualTo(5);
        assertThat(registry.scrape()).contains("y_total 5\n");
    }

    @Test
    void aNegativeDurationCountsAsZero() {
        Histogram h = registry.histogram("x_seconds", "X", 1);
        h.observeNanos(-5);
        assertThat(h.snapshot().cumulative()).containsExactly(1, 1);
        assertThat(h.snapshot().sum()).isZero();
    }

    @Test
    void namesUnitsAndLabelsFollowPrometheusConventions() {
        assertThatThrownBy(() -> registry.counter("x_calls", "no _total")).hasMessageContaining("_total");
        assertThatThrownBy(() -> registry.histogram("x_delay_ms", "not seconds", 1)).hasMessageContaining("_seconds");
        assertThatThrownBy(() -> registry.gauge("x-live", "bad name")).hasMessageContaining("not a metric name");
        assertThatThrownBy(() -> registry.counter("x_total", "bad label", "le")).hasMessageContaining("label");
        assertThatThrownBy(() -> registry.histogram("x_seconds", "falling bounds", 2, 1)).hasMessageContaining("rising");
        registry.gauge("x_live", "Live");
        assertThatThrownBy(() -> registry.gauge("x_live", "again")).hasMessageContaining("twice");
        Counter labelled = registry.counter("y_total", "Y", "a", "b");
        assertThatThrownBy(() -> labelled.labels("only one")).hasMessageContaining("labels [a, b]");
    }
}
