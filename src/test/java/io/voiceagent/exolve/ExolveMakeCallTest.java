package io.voiceagent.exolve;

import io.voiceagent.net.ProxiedConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static io.voiceagent.exolve.ExolveTestSupport.KEY;
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
        direct = new ProxiedConnections(Optional.empty());
        pauses = new ExolveTestSupport.RecordedPauses();
    }

    @AfterEach
    void stop() {
        exolve.close();
        direct.close();
    }

    private ExolveHttpApi api(Optional<String> key) {
        return new ExolveHttpApi(config(exolve.baseUrl(), key), direct.httpClient(), direct,
                Duration.ofSeconds(5), pauses);
    }

    @Test
    void makeCallSendsBearerKeyAndNumbersAndReturnsExolvesCallId() throws Exception {
        String callId = api(Optional.of(KEY)).makeCall("+7 (916) 555-01-02");

        assertThat(callId).isEqualTo(Long.toString(exolve.lastCallId()));
        assertThat(exolve.received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/call/v1/MakeCall");
            assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.body()).isEqualTo(Map.of("source", SOURCE, "destination", "79165550102"));
        });
        assertThat(pauses.pauses).isEmpty();
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

        assertThat(report).containsEntry("ok", true).containsEntry("apiKey", "****")
                .containsEntry("sourceNumber", SOURCE).containsKey("elapsedMs");
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
