package io.voiceagent.call;

import java.util.Locale;
import java.util.Optional;

/**
 * The named states of a call. The last six are final: a call never leaves them. {@code VOICEMAIL}
 * is an answered call that reached an answering machine or voicemail.
 */
public enum CallStatus {
    DIALING, RINGING, ANSWERED, COMPLETED, FAILED, BUSY, NO_ANSWER, CANCELED, VOICEMAIL;

    public boolean isFinal() {
        return ordinal() >= COMPLETED.ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CallStatus> fromWire(String name) {
        for (CallStatus s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
