package io.voiceagent.call;

import io.voiceagent.media.MediaSession;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SdpEndpoint;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Exolve HTTP mode: a leg placed with MakeCall whose audio is still to arrive as an inbound INVITE,
 * a call's own or a transfer's person leg; {@code CallManager.onInvite} matches each INVITE to one.
 *
 * @param callId   the call it belongs to (the customer's call for a person leg), for the logs
 * @param leg      {@code call} or {@code person}, for the logs
 * @param number   the digits dialled, which the INVITE names (From, To or P-Asserted-Identity)
 * @param placedAt when it was placed: an INVITE that names no pending number goes to the oldest
 * @param media    its media session, whose port (and STUN mapping) our SDP answer names
 * @param acceptor takes the INVITE: our SDP answer, or empty when no codec fits
 */
record AwaitedLeg(String callId, String leg, String number, Instant placedAt, MediaSession media, Acceptor acceptor) {

    @FunctionalInterface
    interface Acceptor {
        Optional<InboundCallHandler.Acceptance> accept(InboundCallHandler.InboundInvite invite, SdpEndpoint ours,
                                                       long sessionId);
    }

    AwaitedLeg {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(leg, "leg");
        Objects.requireNonNull(number, "number");
        Objects.requireNonNull(placedAt, "placedAt");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(acceptor, "acceptor");
    }
}
