package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import io.voiceagent.exolve.ExolveEvent;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExolveWebhookTest {
    private static final String PATH = "/webhooks/exolve/callback";
    private static final String SECRET = "whs-8c1d2e";
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.open();
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        api.calls.update("call-1", r -> r.withExolveCallId("4455"));
    }

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void anEventForAKnownCallIsAppliedOnceThenADuplicate() {
        String answered = "{\"call_id\":\"4455\",\"call_sid\":\"sid-1\",\"type\":\"s\",\"from\":\"74950000000\","
                + "\"to\":\"79990001122\",\"date_time\":\"2026-11-25 23:00:01\"}";
        Reply first = api.post(PATH, answered);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json()).containsEntry("status", "applied");
        assertThat(api.get("/api/calls/call-1").json()).containsEntry("status", "answered");

        Reply second = api.post(PATH, answered);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json()).containsEntry("status", "duplicate");
        assertThat((List<?>) api.get("/api/calls/call-1").json().get("events")).hasSize(1);
    }

    @Test
    void theEventKeepsEveryFieldUnknownOnesIncludedButNoNulls() {
        api.post(PATH, "{\"call_id\":4455,\"call_sid\":null,\"type\":\"d\",\"duration\":17,\"cause_code\":16,"
                + "\"vendor_extra\":{\"x\":[1,2]},\"empty\":null}");
        ExolveEvent event = api.calls.receivedEvents.get(0);
        assertThat(event.callId()).contains("4455");
        assertThat(event.callSid()).isEmpty();
        assertThat(event.type()).isEqualTo("d");
        assertThat(event.fields()).containsEntry("duration", 17).containsEntry("cause_code", 16)
                .containsEntry("vendor_extra", Map.of("x", List.of(1, 2))).containsEntry("call_id", 4455)
                .doesNotContainKeys("call_sid", "empty");
    }

    @Test
    void anEventOfAnUnknownTypeIsIgnoredNotRefused() {
        Reply reply = api.post(PATH, "{\"call_id\":\"4455\",\"type\":\"zz\",\"what\":1}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("status", "ignored");
        assertThat(api.calls.receivedEvents).isEmpty();
        assertThat((List<?>) api.get("/api/calls/call-1").json().get("events")).isEmpty();
    }

    @Test
    void anUnknownCallIs202() {
        Reply reply = api.post(PATH, "{\"call_id\":\"9999\",\"type\":\"b\"}");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json()).containsEntry("status", "unknown_call");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[]", "{\"call_id\":\"1\"}", "{\"type\":\"\"}", "{\"type\":5}",
            "{\"type\":\"b\",\"call_id\":{\"a\":1}}", "not json"})
    void malformedEventsAre400(String body) {
        Reply reply = api.post(PATH, body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad_request");
        assertThat(api.calls.receivedEvents).isEmpty();
    }

    @Test
    void oversizedEventsAre413() {
        Reply reply = api.post(PATH, "{\"type\":\"b\",\"pad\":\"" + "x".repeat(65 * 1024) + "\"}");
        assertThat(reply.status()).isEqualTo(413);
    }

    @Test
    void aFailureInTheCallLayerIs503SoTheProviderRetriesNever500() {
        api.calls.failure.set(new IllegalStateException("boom"));
        Reply reply = api.post(PATH, "{\"call_id\":\"4455\",\"type\":\"s\"}");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body()).doesNotContain("boom");
    }

    @Test
    void withASecretTheEventMustCarryItInTheQueryOrTheHeader() throws Exception {
        try (ApiHarness guarded = ApiHarness.withWebhookSecret(SECRET)) {
            String body = "{\"call_id\":\"1\",\"type\":\"b\"}";
            assertThat(post(guarded, PATH, body, null).status()).isEqualTo(401);
            assertThat(post(guarded, PATH + "?key=wrong", body, null).status()).isEqualTo(401);
            assertThat(post(guarded, PATH + "?key=", body, null).status()).isEqualTo(401);
            assertThat(post(guarded, PATH, body, SECRET + "x").status()).isEqualTo(401);
            assertThat(post(guarded, PATH + "?key=" + SECRET, body, null).status()).isEqualTo(202);
            assertThat(post(guarded, PATH + "?other=1&key=" + SECRET, body, null).status()).isEqualTo(202);
            assertThat(post(guarded, PATH, body, SECRET).status()).isEqualTo(202);
            assertThat(guarded.calls.receivedEvents).hasSize(3);
        }
    }

    @Test
    void theSecretIsCheckedBeforeTheBody() throws Exception {
        try (ApiHarness guarded = ApiHarness.withWebhookSecret(SECRET)) {
            Reply reply = post(guarded, PATH, "not json", null);
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.error()).isEqualTo("unauthorized");
        }
    }

    private static Reply post(ApiHarness harness, String path, String body, String header) {
        HttpRequest.Builder b = HttpRequest.newBuilder(harness.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(ExolveWebhook.SECRET_HEADER, header);
        }
        return harness.send(b);
    }
}
