package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentReachability;
import io.voiceagent.api.ApiHarness.Reply;
import java.time.Duration;
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
    void metricsServesTheRegistryAsPrometheusText() {
        api.metrics.callsStarted.inc();
        api.metrics.callsEnded.labels("completed", "agent_end_call").inc();

        Reply reply = api.get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(reply.body()).isEqualTo(api.metrics.scrape()).contains("""
                # HELP voiceagent_calls_started_total Calls placed: admitted and their first record written (a start refused with 4xx/503 is not one)
                # TYPE voiceagent_calls_started_total counter
                voiceagent_calls_started_total 1
                """, """
                voiceagent_calls_ended_total{status="completed",cause="agent_end_call"} 1
                """);
    }
}
