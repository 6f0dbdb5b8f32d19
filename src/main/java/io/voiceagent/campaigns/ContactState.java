package io.voiceagent.campaigns;

import java.util.Optional;

/** Where one contact of a campaign stands. */
public enum ContactState {
    /** Not tried yet. */
    PENDING("pending"),
    /** A call to it is live (or being placed). */
    CALLING("calling"),
    /** Tried, and another attempt is due at {@code next_attempt_at}. */
    RETRY_WAIT("retry_wait"),
    /** Finished: its last outcome is final (answered, or no retry left, or on the do-not-call list). */
    DONE("done"),
    /** Never finished: the campaign was canceled or reached its {@code stop_at} first. */
    NOT_CALLED("not_called");

    private final String wireName;

    ContactState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isFinal() {
        return this == DONE || this == NOT_CALLED;
    }

    static Optional<ContactState> fromWire(String name) {
        for (ContactState s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
