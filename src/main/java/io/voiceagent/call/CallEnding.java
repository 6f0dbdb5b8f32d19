package io.voiceagent.call;

import io.voiceagent.ai.AgentCause;
import io.voiceagent.sip.FailureCause;
import java.util.Objects;

/**
 * How a call ended: its final status, the cause and who ended it ({@code status}, {@code hangup_cause}
 * and {@code hangup_by} on the record). The factories below are where a SIP failure or an agent's
 * ending becomes one; README "How a call ends" lists every combination.
 */
public record CallEnding(CallStatus status, EndCause cause, EndedBy by) {

    public CallEnding {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(by, "by");
        if (!status.isFinal()) {
            throw new IllegalArgumentException("an ending needs a final status, not " + status.wireName());
        }
    }

    /**
     * A failed INVITE: busy, declined and the network's no-answer are the callee's side; giving up on a
     * ringing phone is ours; anything else is a failure the service reports.
     */
    public static CallEnding ofSipFailure(FailureCause failure) {
        EndCause cause = EndCause.of(failure);
        return switch (failure) {
            case BUSY, DECLINED -> new CallEnding(CallStatus.BUSY, cause, EndedBy.REMOTE);
            case NO_ANSWER -> new CallEnding(CallStatus.NO_ANSWER, cause, EndedBy.REMOTE);
            case RING_TIMEOUT -> new CallEnding(CallStatus.NO_ANSWER, cause, EndedBy.US);
            case INVALID_NUMBER, FORBIDDEN, PROVIDER_ERROR, TIMEOUT, AUTH_FAILED, NETWORK, OTHER ->
                    new CallEnding(CallStatus.FAILED, cause, EndedBy.SYSTEM);
        };
    }

    /**
     * The agent side ended a conversation that had started: the agent ending it or the caller's silence
     * timing out is how an answered call completes; a refusal or a fault (1008, 1011, an {@code error}
     * event, a broken socket) fails it, answered or not.
     */
    public static CallEnding ofAgent(AgentCause agentCause, boolean answered) {
        boolean normalEnd = agentCause == AgentCause.AGENT_ENDED || agentCause == AgentCause.AI_INPUT_TIMEOUT;
        CallStatus status = normalEnd && answered ? CallStatus.COMPLETED : CallStatus.FAILED;
        return new CallEnding(status, EndCause.of(agentCause), EndedBy.AGENT);
    }

    /** The service gave up on the call: {@code failed}, ended by {@code system}. */
    public static CallEnding failed(EndCause cause) {
        return new CallEnding(CallStatus.FAILED, cause, EndedBy.SYSTEM);
    }

    /** The same ending with another final status (an answered call that reached voicemail). */
    public CallEnding withStatus(CallStatus other) {
        return new CallEnding(other, cause, by);
    }
}
