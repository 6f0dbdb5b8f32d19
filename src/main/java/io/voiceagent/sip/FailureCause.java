package io.voiceagent.sip;

/**
 * Why an INVITE did not lead to a conversation. {@link #ofFinalResponse} is the one place a final
 * response to our INVITE is classified; the call layer turns each cause into the record's ending.
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
}
