package io.voiceagent.sip;

/** One INVITE dialog, outbound or inbound. */
public interface SipCall {

    /** The SIP Call-ID. */
    String callId();

    /** CANCEL before a final response, BYE once answered; idempotent; never blocks on the network. */
    void hangup();
}
