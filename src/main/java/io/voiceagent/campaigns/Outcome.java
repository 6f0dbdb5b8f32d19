package io.voiceagent.campaigns;

import io.voiceagent.call.CallStatus;
import java.util.Optional;

/** How one attempt to reach a contact ended, from the call's final status; the retry policy is per outcome. */
public enum Outcome {
    ANSWERED("answered"),
    BUSY("busy"),
    NO_ANSWER("no_answer"),
    FAILED("failed"),
    VOICEMAIL("voicemail"),
    /** The call was hung up by us before the answer (a cancel with {@code hangup=true}, or the API). */
    CANCELED("canceled"),
    /** The number is on the do-not-call list: never dialed. */
    DO_NOT_CALL("do_not_call");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Outcome> fromWire(String name) {
        for (Outcome o : values()) {
            if (o.wireName.equals(name)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The outcome of a call that has ended; empty while it is live. */
    static Optional<Outcome> of(CallStatus status) {
        return switch (status) {
            case COMPLETED -> Optional.of(ANSWERED);
            case BUSY -> Optional.of(BUSY);
            case NO_ANSWER -> Optional.of(NO_ANSWER);
            case FAILED -> Optional.of(FAILED);
            case VOICEMAIL -> Optional.of(VOICEMAIL);
            case CANCELED -> Optional.of(CANCELED);
            case DIALING, RINGING, ANSWERED -> Optional.empty();
        };
    }
}
