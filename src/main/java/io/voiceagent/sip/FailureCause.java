package io.voiceagent.sip;

import java.util.Locale;

/** Why an INVITE did not lead to a conversation; {@link #wireName()} is what goes on the call record. */
public enum FailureCause {
    /** 486, 600. */
    BUSY,
    /** 480, 408, ring timeout (CANCEL sent). */
    NO_ANSWER,
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

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
