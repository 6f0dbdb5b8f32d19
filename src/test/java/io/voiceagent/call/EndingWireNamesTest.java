package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.ai.AgentCause;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.net.ProxyFailure;
import io.voiceagent.sip.FailureCause;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The wire names are the API and the journal: they are pinned here as fixed strings, so renaming a Java
 * constant fails this test instead of silently changing what clients and old journals read.
 */
class EndingWireNamesTest {

    @Test
    void statusWireNamesAreFixed() {
        assertThat(wireNames(CallStatus.values(), CallStatus::wireName)).containsExactly(
                "dialing", "ringing", "answered", "completed", "failed", "busy", "no_answer", "canceled", "voicemail");
        assertThat(Arrays.stream(CallStatus.values()).filter(CallStatus::isFinal).map(CallStatus::wireName))
                .containsExactly("completed", "failed", "busy", "no_answer", "canceled", "voicemail");
    }

    @Test
    void endedByWireNamesAreFixed() {
        assertThat(wireNames(EndedBy.values(), EndedBy::wireName))
                .containsExactly("us", "remote", "agent", "system", "unknown");
    }

    @Test
    void causeWireNamesAreFixed() {
        assertThat(wireNames(EndCause.values(), EndCause::wireName)).containsExactly(
                "local_hangup", "shutdown", "no_answer",
                "remote_hangup", "provider_hangup", "busy", "declined", "invalid_number", "forbidden",
                "provider_error", "provider_rejected", "provider_auth", "timeout", "auth_failed", "network", "other",
                "codec_mismatch", "media_timeout", "hold_timeout", "session_refresh_failed",
                "answering_machine", "voicemail",
                "agent_end_call", "agent_ended", "ai_rejected", "ai_server_error", "ai_input_timeout",
                "ai_operational_error", "ai_connection_lost", "ai_closed", "ai_unauthorized", "ai_not_found",
                "ai_timeout", "ai_unreachable", "ai_protocol", "ai_unsupported_format",
                "proxy_unreachable", "proxy_auth_failed", "proxy_target_refused",
                "transferred",
                "service_restart", "internal_error", "unknown");
    }

    @Test
    void agentCauseWireNamesAreFixed() {
        assertThat(wireNames(AgentCause.values(), AgentCause::wireName)).containsExactly(
                "agent_ended", "agent_end_call", "ai_rejected", "ai_server_error", "ai_input_timeout",
                "ai_operational_error", "ai_connection_lost", "ai_closed", "ai_unauthorized", "ai_not_found",
                "ai_timeout", "ai_unreachable", "ai_protocol", "ai_unsupported_format");
    }

    @ParameterizedTest
    @EnumSource(AgentCause.class)
    void everyAgentCauseIsACauseOfTheSameName(AgentCause cause) {
        assertThat(EndCause.of(cause).wireName()).isEqualTo(cause.wireName());
        assertThat(EndCause.fromWire(cause.wireName())).isEqualTo(EndCause.of(cause));
    }

    @ParameterizedTest
    @EnumSource(ProxyFailure.class)
    void everyProxyFailureIsACause(ProxyFailure failure) {
        assertThat(EndCause.fromWire(failure.cause())).isNotEqualTo(EndCause.UNKNOWN)
                .extracting(EndCause::wireName).isEqualTo(failure.cause());
    }

    @ParameterizedTest
    @EnumSource(ExolveException.Failure.class)
    void everyExolveApiFailureIsACauseOfTheSameName(ExolveException.Failure failure) {
        assertThat(EndCause.fromWire(failure.wireName())).isNotEqualTo(EndCause.UNKNOWN)
                .extracting(EndCause::wireName).isEqualTo(failure.wireName());
    }

    @Test
    void exolveFailureWireNamesAreFixed() {
        assertThat(wireNames(ExolveException.Failure.values(), ExolveException.Failure::wireName))
                .containsExactly("invalid_number", "provider_error", "provider_rejected", "provider_auth");
    }

    @Test
    void anythingElseReadsAsUnknown() {
        assertThat(EndCause.fromWire("normal_clearing")).isEqualTo(EndCause.UNKNOWN);
        assertThat(EndCause.fromWire("LOCAL_HANGUP")).as("the constant's name is not its wire name")
                .isEqualTo(EndCause.UNKNOWN);
        assertThat(EndCause.fromWire(null)).isEqualTo(EndCause.UNKNOWN);
        assertThat(EndedBy.fromWire("operator")).isEqualTo(EndedBy.UNKNOWN);
        assertThat(EndedBy.fromWire(null)).isEqualTo(EndedBy.UNKNOWN);
    }

    @Test
    void sipFailuresEndWithTheirStatusAndWho() {
        assertThat(CallEnding.ofSipFailure(FailureCause.RING_TIMEOUT))
                .isEqualTo(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.US));
        assertThat(CallEnding.ofSipFailure(FailureCause.NO_ANSWER))
                .isEqualTo(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.REMOTE));
        assertThat(CallEnding.ofSipFailure(FailureCause.BUSY))
                .isEqualTo(new CallEnding(CallStatus.BUSY, EndCause.BUSY, EndedBy.REMOTE));
        assertThat(CallEnding.ofSipFailure(FailureCause.DECLINED))
                .isEqualTo(new CallEnding(CallStatus.BUSY, EndCause.DECLINED, EndedBy.REMOTE));
        assertThat(CallEnding.ofSipFailure(FailureCause.INVALID_NUMBER))
                .isEqualTo(new CallEnding(CallStatus.FAILED, EndCause.INVALID_NUMBER, EndedBy.SYSTEM));
    }

    @Test
    void sipFinalResponsesAreClassifiedInOnePlace() {
        Map<Integer, FailureCause> expected = new LinkedHashMap<>();
        expected.put(486, FailureCause.BUSY);
        expected.put(600, FailureCause.BUSY);
        expected.put(603, FailureCause.DECLINED);
        expected.put(480, FailureCause.NO_ANSWER);
        expected.put(408, FailureCause.NO_ANSWER);
        expected.put(404, FailureCause.INVALID_NUMBER);
        expected.put(484, FailureCause.INVALID_NUMBER);
        expected.put(604, FailureCause.INVALID_NUMBER);
        expected.put(403, FailureCause.FORBIDDEN);
        expected.put(401, FailureCause.AUTH_FAILED);
        expected.put(407, FailureCause.AUTH_FAILED);
        expected.put(500, FailureCause.PROVIDER_ERROR);
        expected.put(503, FailureCause.PROVIDER_ERROR);
        expected.put(488, FailureCause.OTHER);
        expected.forEach((code, cause) -> assertThat(FailureCause.ofFinalResponse(code)).as("%d", code).isEqualTo(cause));
    }

    @Test
    void aProvidersQ850CauseIsClassifiedAsAFailedInviteWouldBe() {
        Map<Integer, FailureCause> expected = Map.of(17, FailureCause.BUSY, 18, FailureCause.NO_ANSWER,
                19, FailureCause.NO_ANSWER, 21, FailureCause.DECLINED, 1, FailureCause.INVALID_NUMBER,
                28, FailureCause.INVALID_NUMBER, 34, FailureCause.PROVIDER_ERROR, 47, FailureCause.PROVIDER_ERROR,
                16, FailureCause.OTHER, 31, FailureCause.OTHER);
        expected.forEach((code, cause) -> assertThat(FailureCause.ofQ850(code)).as("%d", code).isEqualTo(cause));
    }

    @Test
    void theAgentFailingAnAnsweredCallIsAFailureNotACompletion() {
        assertThat(CallEnding.ofAgent(AgentCause.AI_REJECTED, true))
                .isEqualTo(new CallEnding(CallStatus.FAILED, EndCause.AI_REJECTED, EndedBy.AGENT));
        assertThat(CallEnding.ofAgent(AgentCause.AI_SERVER_ERROR, true))
                .isEqualTo(new CallEnding(CallStatus.FAILED, EndCause.AI_SERVER_ERROR, EndedBy.AGENT));
        assertThat(CallEnding.ofAgent(AgentCause.AGENT_ENDED, true).status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(CallEnding.ofAgent(AgentCause.AI_INPUT_TIMEOUT, true).status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(CallEnding.ofAgent(AgentCause.AGENT_ENDED, false).status()).isEqualTo(CallStatus.FAILED);
    }

    @Test
    void anEndingNeedsAFinalStatus() {
        assertThatThrownBy(() -> new CallEnding(CallStatus.RINGING, EndCause.OTHER, EndedBy.SYSTEM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ringing");
    }

    private static <E> List<String> wireNames(E[] values, java.util.function.Function<E, String> wire) {
        return Arrays.stream(values).map(wire).toList();
    }
}
