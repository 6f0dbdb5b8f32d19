package io.voiceagent.sip;

/**
 * Why an INVITE did not lead to a conversation. {@link #ofFinalResponse} is the one place a final
 * response to our INVITE is classified, {@link #ofQ850} the one place a provider's Q.850 cause is;
 * the call layer turns each cause into the record's ending.
 */
public enum FailureCause {
    /** 486, 600. */
    BUSY,
    /** 603 Decline: the callee rejected the call. */
    DECLINED,
    /** 480, 408: the network says nobody answered. */
    NO_ANSWER,
    /** Our ring timeout: nobody answered within CALL_RING_TIMEOUT_S, so we sent CANCEL. */
    RING_TIMEOUT,
    /** 404, 484, 604. */
    INVALID_NUMBER,
    /** 403. */
    FORBIDDEN,
    /** 5xx. */
    PROVIDER_ERROR,
    /** Timer B: no final response at all. */
    TIMEOUT,
    /** Our credentials were rejected (a second 401/407). */
    AUTH_FAILED,
    /** The socket failed. */
    NETWORK,
    /** Any other final response; its code and reason go on the record. */
    OTHER;

    /** The cause of a final non-2xx response to our INVITE (a 401/407 here is one we could not answer). */
    public static FailureCause ofFinalResponse(int code) {
        return switch (code) {
            case 401, 407 -> AUTH_FAILED;
            case 486, 600 -> BUSY;
            case 603 -> DECLINED;
            case 480, 408 -> NO_ANSWER;
            case 404, 484, 604 -> INVALID_NUMBER;
            case 403 -> FORBIDDEN;
            default -> code >= 500 && code < 600 ? PROVIDER_ERROR : OTHER;
        };
    }

    /**
     * The cause of a call a provider reports ended before it was answered, by its Q.850 cause value (as
     * in a Reason header, RFC 3326): 17 user busy, 18/19 no answer, 21 rejected, 1/28 bad number,
     * 34-47 network congestion or failure; any other value is {@link #OTHER}.
     */
    public static FailureCause ofQ850(int cause) {
        return switch (cause) {
            case 17 -> BUSY;
            case 18, 19 -> NO_ANSWER;
            case 21 -> DECLINED;
            case 1, 28 -> INVALID_NUMBER;
            default -> cause >= 34 && cause <= 47 ? PROVIDER_ERROR : OTHER;
        };
    }
}
