package io.voiceagent.sip;

import java.util.concurrent.CompletableFuture;

/** One INVITE dialog, outbound or inbound. */
public interface SipCall {

    /** The SIP Call-ID. */
    String callId();

    /** CANCEL before a final response, BYE once answered; idempotent; never blocks on the network. */
    void hangup();

    /**
     * One digit as SIP INFO {@code application/dtmf-relay} (for a far end that did not offer
     * telephone-event). Completes on a 2xx; fails with {@link SipRequestException} on another final
     * response, no response, or when the dialog is not (or no longer) confirmed.
     */
    CompletableFuture<Void> sendDtmfInfo(char digit);
}
