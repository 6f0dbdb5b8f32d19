package io.voiceagent.demo.carrier;

import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;

/**
 * One call from the service, as the carrier's far end holds it. Mutable; guarded by the carrier's
 * lock.
 */
final class CarrierCall {

    enum State { RINGING, ANSWERED, ENDED }

    final String callId;
    final SipMessage invite;
    final InetSocketAddress caller;
    final String toTag;
    final String number;
    final DemoNumbers.Outcome outcome;
    final SdpNegotiation.Agreed media;
    State state = State.RINGING;
    ScheduledFuture<?> pending;
    SimulatedPhone phone;
    String sdpAnswer;
    long localCseq;

    CarrierCall(SipMessage invite, InetSocketAddress caller, String toTag, String number,
                DemoNumbers.Outcome outcome, SdpNegotiation.Agreed media) {
        this.callId = invite.callId();
        this.invite = invite;
        this.caller = caller;
        this.toTag = toTag;
        this.number = number;
        this.outcome = outcome;
        this.media = media;
    }

    /** Our From in requests we send in this dialog: the INVITE's To with our tag. */
    String localParty() {
        String to = invite.header("To").orElse("");
        return SipMessage.param(to, "tag").isPresent() ? to : to + ";tag=" + toTag;
    }

    /** Where requests in this dialog go: the caller's Contact (RFC 3261 §12.1.1). */
    String remoteTarget() {
        return SipMessage.uri(invite.header("Contact").orElse(invite.header("From").orElse("")));
    }

    void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
