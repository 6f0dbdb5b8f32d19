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

    /**
     * Asks the far end to call {@code digits} (at SIP_DOMAIN) itself and take our place (REFER, RFC
     * 3515, Refer-To that number). Completes when a NOTIFY's {@code message/sipfrag} reports a 2xx
     * from the target; fails with {@link SipRequestException} when the REFER is refused or gets no
     * answer, the sipfrag reports a failure, the subscription ends without a final status, or the call
     * ends first. The caller then hangs up (BYE), as RFC 5589 §6.1 has the transferor do.
     */
    CompletableFuture<Void> refer(String digits);
}
