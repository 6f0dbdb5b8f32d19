package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DebugRoutesTest {
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
    void sipShowsWhatTheWiringReportsAsPlainJson() {
        Reply reply = api.get("/debug/sip");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("registration", "registered")
                .containsEntry("since", ApiHarness.NOW.toString())
                .containsEntry("messages", List.of("REGISTER sip:sip.exolve.ru SIP/2.0"))
                .containsEntry("expires_at", null);
    }

    @Test
    void registerStartsAReRegistration() {
        Reply reply = api.postEmpty("/debug/sip/register");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(api.debug.calls).containsExactly("sipRegister");
    }

    @Test
    void checksAndProxyAreReported() {
        assertThat(api.postEmpty("/debug/ai/check").json()).containsEntry("conversation_id", "conv_1");
        assertThat(api.postEmpty("/debug/exolve/check").json()).containsEntry("ok", false).containsEntry("status", 401);
        Reply proxy = api.get("/debug/proxy");
        assertThat(proxy.json()).containsEntry("password", "****");
        assertThat(proxy.body()).doesNotContain("proxy-pass-value");
        assertThat(api.debug.calls).containsExactly("aiCheck", "exolveCheck", "proxy");
    }

    @Test
    void mediaOfALiveCallThen409WhenEndedAnd404WhenUnknown() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        Reply live = api.get("/debug/calls/call-1/media");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json()).containsEntry("rtp_packets_in", 100).containsEntry("ai_events", Map.of("audio", 7));

        api.post("/api/calls/hangup", "{\"call_id\":\"call-1\"}");
        Reply ended = api.get("/debug/calls/call-1/media");
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.message()).contains("canceled");

        assertThat(api.get("/debug/calls/call-9/media").status()).isEqualTo(404);
    }

    @Test
    void debugRoutesUseTheirMethods() {
        assertThat(api.get("/debug/ai/check").status()).isEqualTo(405);
        assertThat(api.postEmpty("/debug/sip").header("Allow")).contains("GET");
    }

    @Test
    void everyDebugRouteIs404WhenTurnedOff() throws Exception {
        try (ApiHarness off = ApiHarness.withDebugEndpoints(false)) {
            off.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
            for (String path : List.of("/debug/sip", "/debug/proxy", "/debug/calls/call-1/media")) {
                assertThat(off.get(path).status()).as(path).isEqualTo(404);
            }
            for (String path : List.of("/debug/sip/register", "/debug/ai/check", "/debug/exolve/check")) {
                assertThat(off.postEmpty(path).status()).as(path).isEqualTo(404);
            }
            assertThat(off.debug.calls).isEmpty();
            assertThat(off.get("/api/calls").status()).isEqualTo(200);
        }
    }
}
