package io.voiceagent.exolve;

import io.voiceagent.net.TestConnections;
import io.voiceagent.net.ProxiedConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voiceagent.config.Config;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Optional;

import static io.voiceagent.exolve.ExolveTestSupport.KEY;
import static io.voiceagent.exolve.ExolveTestSupport.SIP_ID;
import static io.voiceagent.exolve.ExolveTestSupport.SOURCE;
import static io.voiceagent.exolve.ExolveTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExolveMakeCallTest {
    private FakeExolveApi exolve;
    private ProxiedConnections direct;
    private ExolveTestSupport.RecordedPauses pauses;

    @BeforeEach
    void start() throws Exception {
        exolve = new FakeExolveApi(KEY);
        direct = TestConnections.through(Optional.empty());
        pauses = new ExolveTestSupport.RecordedPauses();
    }

    @AfterEach
    void stop() {
        exolve.close();
        direct.close();
    }

    private ExolveHttpApi api(Optional<String> key) {
        return api(config(exolve.baseUrl(), key));
    }

    private ExolveHttpApi api(Config.Exolve config) {
        return new ExolveHttpApi(config, SIP_ID, direct.httpClient(), direct, Duration.ofSeconds(5), pauses);
    }

    private static Map<String, Object> line(String number, String displayNumber) {
        return Map.of("destinations", List.of(Map.of("number", number, "timeout", 30)),
                "display_number", displayNumber);
    }

    @Test
    void placingACallSendsMakeCallbackWithTheCustomerFirstAndOurSipIdSecond() throws Exception {
        String callId = api(Optional.of(KEY)).makeCall("+7 (916) 555-01-02");

        assertThat(callId).isEqualTo(Long.toString(exolve.lastCallId()));
        assertThat(exolve.received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/call/v1/MakeCallback");
            assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.body()).isEqualTo(Map.of(
                    "number_code", Long.parseLong(SOURCE),
                    "line_1", line("79165550102", SOURCE),
                    "line_2", line(SIP_ID, "79165550102")));
        });
        assertThat(pauses.pauses).isEmpty();
    }

    @Test
    void aConfiguredCallbackResourceIdIsSentAsAnInteger() throws Exception {
        api(config(exolve.baseUrl(), Optional.of(KEY), Config.Exolve.CallMethod.CALLBACK, OptionalLong.of(417)))
                .makeCall("79165550102");

        assertThat(exolve.received()).singleElement()
                .satisfies(r -> assertThat(r.body()).containsEntry("callback_resource_id", 417));
    }

    @Test
    void theMakeCallMethodStaysSelectable() throws Exception {
        String callId = api(config(exolve.baseUrl(), Optional.of(KEY), Config.Exolve.CallMethod.MAKECALL,
                OptionalLong.empty())).makeCall("+7 (916) 555-01-02");

        assertThat(callId).isEqualTo(Long.toString(exolve.lastCallId()));
        assertThat(exolve.received()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/call/v1/MakeCall");
            assertThat(r.body()).isEqualTo(Map.of("source", SOURCE, "destination", "79165550102"));
        });
    }

    @Test
    void theFakeRefusesAMakeCallbackOfAnyOtherShapeAsExolveWould() throws Exception {
        List<String> refused = List.of(
                "{\"number_code\":\"" + SOURCE + "\",\"line_1\":" + lineJson("79165550102") + ",\"line_2\":"
                        + lineJson(SIP_ID) + "}",
                "{\"number_code\":" + SOURCE + ",\"line_1\":" + lineJson("79165550102") + "}",
                "{\"number_code\":" + SOURCE + ",\"source\":\"1\",\"line_1\":" + lineJson("79165550102")
                        + ",\"line_2\":" + lineJson(SIP_ID) + "}",
                "{\"number_code\":" + SOURCE + ",\"line_1\":{\"destinations\":[],\"display_number\":\"" + SOURCE
                        + "\"},\"line_2\":" + lineJson(SIP_ID) + "}");
        for (String body : refused) {
            assertThat(postMakeCallback(body).statusCode()).as(body).isEqualTo(400);
        }
        HttpResponse<String> valid = postMakeCallback("{\"number_code\":" + SOURCE + ",\"line_1\":"
                + lineJson("79165550102") + ",\"line_2\":" + lineJson(SIP_ID) + "}");
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.body()).contains("\"call_id\":");
    }

    private HttpResponse<String> postMakeCallback(String body) throws Exception {
        return direct.httpClient().send(HttpRequest.newBuilder(exolve.baseUrl().resolve("/call/v1/MakeCallback"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String lineJson(String number) {
        return "{\"destinations\":[{\"number\":\"" + number + "\",\"timeout\":30}],\"display_number\":\""
                + SOURCE + "\"}";
    }

    @Test
    void hangupNamesTheCallIdExolveGaveUs() throws Exception {
        ExolveHttpApi api = api(Optional.of(KEY));
        String callId = api.makeCall("79165550102");

        api.hangup(callId);

        assertThat(exolve.received()).last().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/call/v1/HangUp");
            assertThat(r.body()).containsEntry("call_id", callId);
        });
    }

    @Test
    void destinationWithoutDigitsFailsWithoutCallingExolve() {
        assertThatThrownBy(() -> api(Optional.of(KEY)).makeCall("not a number"))
                .isInstanceOfSatisfying(ExolveException.class,
                        e -> assertThat(e.causeCode()).isEqualTo("invalid_number"));
        assertThat(exolve.received()).isEmpty();
    }

    @Test
    void missingApiKeyFailsAsProviderAuthWithoutCallingExolve() {
        assertThatThrownBy(() -> api(Optional.empty()).makeCall("79165550102"))
                .isInstanceOfSatisfying(ExolveException.class, e -> {
                    assertThat(e.causeCode()).isEqualTo("provider_auth");
                    assertThat(e.getMessage()).contains("EXOLVE_API_KEY");
                });
        assertThat(exolve.received()).isEmpty();
    }

    @Test
    void checkReportsAnAcceptedKeyMaskedAndChangesNothing() {
        Map<String, Object> report = api(Optional.of(KEY)).check();

        assertThat(report).containsEntry("ok", true).containsEntry("api_key", "****")
                .containsEntry("source_number", SOURCE).containsKey("elapsed_ms");
        assertThat(report.toString()).doesNotContain(KEY);
        assertThat(exolve.received()).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/number/v1/GetList"));
    }

    @Test
    void checkReportsARejectedKeyAsProviderAuthWithoutRetrying() {
        Map<String, Object> report = api(Optional.of("wrong-key")).check();

        assertThat(report).containsEntry("ok", false).containsEntry("cause", "provider_auth");
        assertThat(report.get("message").toString()).contains("401").contains("invalid API key");
        assertThat(exolve.received()).hasSize(1);
        assertThat(report.toString()).doesNotContain("wrong-key");
    }
}
