package io.voiceagent.sip;

import java.util.Optional;

/** Decides on an inbound INVITE from the registrar; an empty answer rejects it with 480. */
@FunctionalInterface
public interface InboundCallHandler {

    Optional<Acceptance> onInvite(InboundInvite invite);

    /**
     * @param call               the dialog, for hanging up later
     * @param from               the From URI's user part (digits when a phone number)
     * @param to                 the To URI's user part
     * @param assertedIdentity   the P-Asserted-Identity user part, when present
     */
    record InboundInvite(SipCall call, String from, String to, Optional<String> assertedIdentity,
                         SessionDescription offer) {
    }

    /**
     * Answer 200 with {@code answer}; events of the dialog go to {@code listener}; {@code callId} is the
     * call that takes the leg (our id, not the SIP Call-ID), which the dialog's log lines carry from then on.
     */
    record Acceptance(String callId, SessionDescription answer, SipCallListener listener) {
        public Acceptance {
            java.util.Objects.requireNonNull(callId, "callId");
        }
    }
}
