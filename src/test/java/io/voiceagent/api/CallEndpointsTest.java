package io.voiceagent.api;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallEndpointsTest {
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
    void startReturns201WithTheRecordAndItsLocation() {
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"+7 (999) 000-11-22\"}");

        assertThat(reply.status()).isEqualTo(201);
        Map<String, Object> record = reply.json();
        assertThat(record).containsEntry("id", "call-1")
                .containsEntry("phone_number", "79990001122")
                .containsEntry("status", "dialing")
                .containsEntry("mode", "sip")
                .containsEntry("created_at", ApiHarness.NOW.toString())
                .containsKeys("transcript", "media", "request", "metadata", "events", "ended_at");
        assertThat(reply.header("Location")).contains("/api/calls/call-1");
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void startPassesEveryOptionToTheCallService() {
        Reply reply = api.post("/api/calls/start", """
                {"phone_number":"79990001122","first_message":"Hello!","prompt":"Be brief","language":"PT-BR",
                 "dynamic_variables":{"name":"Ann","age":31,"vip":true},
                 "metadata":{"crm_id":"42","tags":["a","b"],"dropped":null}}""");

        assertThat(reply.status()).isEqualTo(201);
        StartCallRequest sent = api.calls.startRequests.get(0);
        assertThat(sent.phoneNumber()).isEqualTo("79990001122");
        assertThat(sent.firstMessage()).contains("Hello!");
        assertThat(sent.prompt()).contains("Be brief");
        assertThat(sent.language()).contains("pt-br");
        assertThat(sent.dynamicVariables()).containsEntry("name", "Ann").containsEntry("age", 31)
                .containsEntry("vip", true);
        assertThat(sent.metadata()).containsEntry("crm_id", "42").containsEntry("tags", List.of("a", "b"))
                .doesNotContainKey("dropped");
        assertThat(reply.json().get("request")).isEqualTo(Map.of("first_message", "Hello!", "prompt", "Be brief",
                "language", "pt-br", "dynamic_variables", Map.of("name", "Ann", "age", 31, "vip", true)));
    }

    @Test
    void getReturnsTheRecordAndUnknownIdsAre404() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        api.calls.answer("call-1");
        api.calls.say("call-1", "agent", "Hello, this is the agent");

        Reply found = api.get("/api/calls/call-1");
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json()).containsEntry("status", "answered")
                .containsEntry("transcript", List.of(Map.of("role", "agent", "text", "Hello, this is the agent",
                        "at", ApiHarness.NOW.toString())));

        Reply missing = api.get("/api/calls/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");
        assertThat(missing.message()).contains("nope");
    }

    @Test
    void listIsNewestFirstAndFiltersByStatusAndLimit() {
        for (int i = 0; i < 3; i++) {
            api.post("/api/calls/start", "{\"phone_number\":\"+7999000112" + i + "\"}");
        }
        api.calls.answer("call-2");

        assertThat(ids(api.get("/api/calls"))).containsExactly("call-3", "call-2", "call-1");
        assertThat(api.get("/api/calls").json()).containsEntry("count", 3);
        assertThat(ids(api.get("/api/calls?status=answered"))).containsExactly("call-2");
        assertThat(ids(api.get("/api/calls?limit=2"))).containsExactly("call-3", "call-2");
        assertThat(ids(api.get("/api/calls/?status=dialing&limit=1"))).containsExactly("call-3");
    }

    @Test
    void listRefusesAnUnknownStatusOrABadLimit() {
        Reply badStatus = api.get("/api/calls?status=talking");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.message()).startsWith("status:").contains("no_answer");

        for (String limit : List.of("0", "-1", "1001", "ten", "")) {
            Reply bad = api.get("/api/calls?limit=" + limit);
            assertThat(bad.status()).as("limit=%s", limit).isEqualTo(400);
            assertThat(bad.message()).startsWith("limit:");
        }
    }

    @Test
    void hangupEndsALiveCallThen409ThenUnknownIs404() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");

        Reply first = api.post("/api/calls/hangup", "{\"call_id\":\"call-1\"}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json()).containsEntry("status", "canceled").containsEntry("hangup_by", "us");

        Reply again = api.post("/api/calls/hangup", "{\"call_id\":\"call-1\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("already_ended");

        Reply unknown = api.post("/api/calls/hangup", "{\"call_id\":\"call-9\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("not_found");
    }

    @Test
    void hangupRequiresACallId() {
        for (String body : List.of("{}", "{\"call_id\":7}", "{\"call_id\":\"  \"}")) {
            Reply reply = api.post("/api/calls/hangup", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.message()).startsWith("call_id:");
        }
    }

    @Test
    void dtmfIsSentOnAnAnsweredCallAndRefusedBefore() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");

        Reply early = api.post("/api/calls/call-1/dtmf", "{\"digits\":\"1\"}");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.error()).isEqualTo("invalid_state");

        api.calls.answer("call-1");
        Reply sent = api.post("/api/calls/call-1/dtmf", "{\"digits\":\"123#*A\"}");
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.json()).containsEntry("dtmf", "123#*A");

        assertThat(api.post("/api/calls/call-7/dtmf", "{\"digits\":\"1\"}").status()).isEqualTo(404);
    }

    @Test
    void dtmfDigitsAreValidated() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        api.calls.answer("call-1");
        for (String body : List.of("{}", "{\"digits\":\"\"}", "{\"digits\":\"12x\"}", "{\"digits\":123}",
                "{\"digits\":\"" + "1".repeat(65) + "\"}")) {
            Reply reply = api.post("/api/calls/call-1/dtmf", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.message()).startsWith("digits:");
        }
        assertThat(api.calls.find("call-1").orElseThrow().dtmf()).isEmpty();
    }

    @Test
    void transferIs202OnAnAnsweredCallWithTheNumberNormalisedAndRefusedOtherwise() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");

        Reply early = api.post("/api/calls/call-1/transfer", "{\"to\":\"+7 999 000-07-77\"}");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.error()).isEqualTo("invalid_state");

        api.calls.answer("call-1");
        Reply started = api.post("/api/calls/call-1/transfer", "{\"to\":\"8 (999) 000-07-77\"}");
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.json()).containsEntry("id", "call-1");
        assertThat(api.calls.transfers).containsExactly("call-1 79990000777");

        for (String body : List.of("{}", "{\"to\":\"\"}", "{\"to\":\"12\"}", "{\"to\":79990000777}")) {
            Reply reply = api.post("/api/calls/call-1/transfer", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.message()).startsWith("to:");
        }
        assertThat(api.post("/api/calls/call-7/transfer", "{\"to\":\"+79990000777\"}").status()).isEqualTo(404);
    }

    @Test
    void tooManyLiveCallsIs429() throws Exception {
        try (ApiHarness small = ApiHarness.withMaxCalls(1)) {
            assertThat(small.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}").status()).isEqualTo(201);
            Reply refused = small.post("/api/calls/start", "{\"phone_number\":\"+79990001123\"}");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.error()).isEqualTo("too_many_calls");
        }
    }

    @Test
    void startWhileNotRegisteredIs503NotRegistered() {
        api.calls.notRegistered("registering", "SIP registration is registering");
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).isEqualTo("not_registered");
        assertThat(reply.message()).contains("registering");
        Reply health = api.get("/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json()).containsEntry("sip_registration", "registering")
                .containsEntry("reason", "SIP registration is registering");
    }

    @Test
    void startWhileUnavailableIs503() {
        api.calls.notReady("SIP registration failed: 403 Forbidden");
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).isEqualTo("unavailable");
        assertThat(reply.message()).contains("403 Forbidden");
        assertThat(api.calls.list(Optional.empty(), 10)).isEmpty();
    }

    @Test
    void finishedCallsKeepTheirStatus() {
        api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        api.calls.update("call-1", r -> r.withEnd(new CallEnding(CallStatus.BUSY, EndCause.BUSY, EndedBy.REMOTE), ApiHarness.NOW));
        assertThat(api.get("/api/calls/call-1").json()).containsEntry("status", "busy")
                .containsEntry("hangup_cause", "busy");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        return ((List<Map<String, Object>>) reply.json().get("calls")).stream().map(m -> m.get("id")).toList();
    }
}
