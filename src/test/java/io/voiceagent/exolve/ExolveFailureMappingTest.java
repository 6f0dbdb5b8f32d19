package io.voiceagent.exolve;

import io.voiceagent.net.TestConnections;
import io.voiceagent.exolve.FakeExolveApi.Scripted;
import io.voiceagent.net.ProxiedConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static io.voiceagent.exolve.ExolveTestSupport.KEY;
import static io.voiceagent.exolve.ExolveTestSupport.SIP_ID;
import static io.voiceagent.exolve.ExolveTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ExolveFailureMappingTest {
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(300);

    private FakeExolveApi exolve;
    private ProxiedConnections direct;
    private ExolveTestSupport.RecordedPauses pauses;
    private ExolveHttpApi api;

    @BeforeEach
    void start() throws Exception {
        exolve = new FakeExolveApi(KEY);
        direct = TestConnections.through(Optional.empty());
        pauses = new ExolveTestSupport.RecordedPauses();
        api = new ExolveHttpApi(config(exolve.baseUrl(), Optional.of(KEY)), SIP_ID, direct.httpClient(), direct,
                RESPONSE_TIMEOUT, pauses);
    }

    @AfterEach
    void stop() {
        exolve.close();
        direct.close();
    }

    private ExolveException makeCallFailure() {
        return catchThrowableOfType(ExolveException.class, () -> api.makeCall("79165550102"));
    }

    @Test
    void unauthorizedIsProviderAuthAndNotRetried() {
        exolve.then(Scripted.status(401, "invalid API key"));

        ExolveException failure = makeCallFailure();

        assertThat(failure.causeCode()).isEqualTo("provider_auth");
        assertThat(exolve.received()).hasSize(1);
        assertThat(pauses.pauses).isEmpty();
    }

    @Test
    void forbiddenIsProviderAuth() {
        exolve.then(Scripted.status(403, "application has no access to Call API"));

        assertThat(makeCallFailure().causeCode()).isEqualTo("provider_auth");
        assertThat(exolve.received()).hasSize(1);
    }

    @Test
    void wrongKeyAgainstTheRealRulesIsProviderAuth() {
        ExolveHttpApi wrongKey = new ExolveHttpApi(config(exolve.baseUrl(), Optional.of("stale-key")),
                SIP_ID, direct.httpClient(), direct, RESPONSE_TIMEOUT, pauses);

        ExolveException failure = catchThrowableOfType(ExolveException.class, () -> wrongKey.makeCall("79165550102"));

        assertThat(failure.causeCode()).isEqualTo("provider_auth");
        assertThat(failure.getMessage()).doesNotContain("stale-key");
    }

    @Test
    void otherClientErrorIsRejectedWithExolvesMessageAndNotRetried() {
        exolve.then(Scripted.status(400, "destination number is not allowed for this application"));

        ExolveException failure = makeCallFailure();

        assertThat(failure.causeCode()).isEqualTo("provider_rejected");
        assertThat(failure.getMessage()).contains("HTTP 400")
                .contains("destination number is not allowed for this application");
        assertThat(exolve.received()).hasSize(1);
    }

    @Test
    void unavailableIsRetriedTwiceWithGrowingBackoffThenSucceeds() throws Exception {
        exolve.then(Scripted.status(503, "unavailable"), Scripted.status(503, "unavailable"));

        String callId = api.makeCall("79165550102");

        assertThat(callId).isEqualTo(Long.toString(exolve.lastCallId()));
        assertThat(exolve.received()).hasSize(3);
        assertThat(pauses.pauses).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void threeUnavailableAnswersFailAsProviderError() {
        exolve.then(Scripted.status(503, "busy"), Scripted.status(503, "busy"), Scripted.status(503, "busy"));

        ExolveException failure = makeCallFailure();

        assertThat(failure.causeCode()).isEqualTo("provider_error");
        assertThat(failure.getMessage()).contains("3 attempts").contains("HTTP 503");
        assertThat(exolve.received()).hasSize(3);
        assertThat(pauses.pauses).hasSize(2);
    }

    /** 500, 502, 504: Exolve may have placed the call before failing, so a retry could ring twice. */
    @Test
    void aMakeCallThatMayHaveBeenCarriedOutIsNotRepeated() {
        for (int status : new int[] {500, 502, 504}) {
            exolve.then(Scripted.status(status, "internal"));
            int before = exolve.received().size();

            ExolveException failure = makeCallFailure();

            assertThat(failure.causeCode()).isEqualTo("provider_error");
            assertThat(failure.getMessage()).contains("HTTP " + status).contains("not repeated");
            assertThat(exolve.received()).hasSize(before + 1);
        }
        assertThat(pauses.pauses).isEmpty();
    }

    @Test
    void aMakeCallWhoseAnswerTimedOutIsNotRepeated() {
        exolve.then(Scripted.silentFor(Duration.ofSeconds(2)));

        ExolveException failure = makeCallFailure();

        assertThat(failure.causeCode()).isEqualTo("provider_error");
        assertThat(failure.getMessage()).contains("no answer within 300 ms").contains("not repeated");
        assertThat(exolve.received()).hasSize(1);
        assertThat(pauses.pauses).isEmpty();
    }

    @Test
    void aHangUpWhoseAnswerTimedOutIsRepeated() throws Exception {
        exolve.then(Scripted.silentFor(Duration.ofSeconds(2)));

        api.hangup("4623");

        assertThat(exolve.received()).hasSize(2);
        assertThat(pauses.pauses).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void unreachableExolveIsRetriedThenProviderError() {
        exolve.close();

        ExolveException failure = makeCallFailure();

        assertThat(failure.causeCode()).isEqualTo("provider_error");
        assertThat(pauses.pauses).hasSize(2);
    }
}
