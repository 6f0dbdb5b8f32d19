package io.voiceagent.webhooks;

import java.util.Locale;
import java.util.Optional;

/** Where one event's delivery stands; every state but {@code PENDING} is final. */
public enum DeliveryState {
    /** Not yet accepted by the receiver; the next attempt is scheduled. */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** The receiver answered a status that retrying cannot fix (4xx other than 408 and 429, 3xx). */
    REJECTED,
    /** Still failing when the retry window (24 h) closed. */
    EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryState> fromWire(String name) {
        for (DeliveryState state : values()) {
            if (state.wireName().equals(name)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
