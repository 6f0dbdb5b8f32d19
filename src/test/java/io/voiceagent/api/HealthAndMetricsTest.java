package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentReachability;
import io.voiceagent.api.ApiHarness.Reply;
import io.voiceagent.call.CallService.Metric;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthAndMetricsTest {
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.open();
    }

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void healthIs200WhenCallsCanBePlaced() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        Reply reply = api.get("/health");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(Map.of("status", "ok", "sip_registration", "registered",
                "active_calls", 1, "uptime_s", 42, "agent", "unknown", "journal", "ok", "journal_quarantined_lines", 0));
    }

    @Test
    void healthSaysWhetherTheAgentWasReachedWhenAConversationWasLastOpened() {
        api.calls.agentFound(AgentReachability.FAILING);
        assertThat(api.get("/health").json()).containsEntry("agent", "failing");
        api.calls.agentFound(AgentReachability.OK);
        assertThat(api.get("/health").json()).containsEntry("agent", "ok");
    }

    @Test
    void healthIs503WithTheReasonWhileDraining() {
        api.calls.drain(Duration.ofSeconds(1));
        Reply reply = api.get("/health");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json()).containsEntry("status", "unavailable").containsEntry("reason", "shutting down")
                .containsEntry("sip_registration", "failed");
    }

    @Test
    void healthShowsAnAdvertisedAddressTheCarrierCannotReachWithoutFailing() {
        api.calls.advertiseUnreachableAddress("SIP and SDP advertise 10.0.0.5, a private address");
        Reply reply = api.get("/health");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("status", "ok")
                .containsEntry("address_warning", "SIP and SDP advertise 10.0.0.5, a private address");
    }

    @Test
    void metricsArePrometheusText() {
        Reply reply = api.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).contains(PrometheusText.CONTENT_TYPE);
        assertThat(reply.body()).isEqualTo("""
                # HELP voiceagent_calls_total Calls by final status
                # TYPE voiceagent_calls_total counter
                voiceagent_calls_total{status="completed"} 3
                voiceagent_calls_total{status="failed"} 1
                # HELP voiceagent_active_calls Calls live now
                # TYPE voiceagent_active_calls gauge
                voiceagent_active_calls 0
                # HELP voiceagent_rtp_jitter_ms Mean RTP jitter
                # TYPE voiceagent_rtp_jitter_ms gauge
                voiceagent_rtp_jitter_ms 2.5
                """);
    }

    @Test
    void labelValuesAndHelpAreEscapedAndLabelsSorted() {
        String text = PrometheusText.render(List.of(
                new Metric("m", "line one\nback\\slash", "gauge", Map.of("z", "1", "a", "say \"hi\"\n"), 1e20),
                new Metric("m", "ignored for the second sample", "gauge", Map.of(), Double.NaN),
                new Metric("n", "h", "counter", Map.of(), Double.POSITIVE_INFINITY)));
        assertThat(text).isEqualTo("""
                # HELP m line one\\nback\\\\slash
                # TYPE m gauge
                m{a="say \\"hi\\"\\n",z="1"} 1.0E20
                m NaN
                # HELP n h
                # TYPE n counter
                n +Inf
                """);
    }
}
