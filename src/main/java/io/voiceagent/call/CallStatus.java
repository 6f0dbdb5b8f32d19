package io.voiceagent.call;

import java.util.Optional;

/**
 * The named states of a call. The last six are final: a call never leaves them. {@code VOICEMAIL}
 * is an answered call that reached an answering machine or voicemail. Each wire name is written out
 * (not derived from the constant's name): it is what the API, the journal and the webhooks carry.
 */
public enum CallStatus {
    DIALING("dialing", false),
    RINGING("ringing", false),
    ANSWERED("answered", false),
    COMPLETED("completed", true),
    FAILED("failed", true),
    BUSY("busy", true),
    NO_ANSWER("no_answer", true),
    CANCELED("canceled", true),
    VOICEMAIL("voicemail", true);

    private final String wireName;
    private final boolean isFinal;

    CallStatus(String wireName, boolean isFinal) {
        this.wireName = wireName;
        this.isFinal = isFinal;
    }

    public boolean isFinal() {
        return isFinal;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<CallStatus> fromWire(String name) {
        for (CallStatus s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
