package io.voiceagent.transfer;

import java.util.Arrays;
import java.util.Optional;

/** How a transfer attempt went, by the wire name the call record shows. */
public enum TransferOutcome {
    /** The person's phone is being dialled (or the REFER is under way). */
    RINGING("ringing"),
    /** The person answered: the caller talks to them, the agent is gone. */
    ANSWERED("answered"),
    /** The far end took the call over (REFER, then a {@code SIP/2.0 200} sipfrag): our part ended. */
    REFERRED("referred"),
    /** The person's line was busy (486, 600): the caller went back to the agent. */
    BUSY("busy"),
    /** Nobody answered within TRANSFER_RING_TIMEOUT_S (or 408/480): back to the agent. */
    NO_ANSWER("no_answer"),
    /** Any other failure (rejected, no route, no codec, no port): back to the agent. */
    FAILED("failed"),
    /** The caller hung up (or the call ended otherwise) while the person's phone rang. */
    CANCELED("canceled");

    private final String wireName;

    TransferOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TransferOutcome> fromWire(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
    }
}
