package io.voiceagent.sip;

/** Receives a dialog's events. Called from SIP threads: implementations must not block long. */
@FunctionalInterface
public interface SipCallListener {
    void onEvent(SipCallEvent event);
}
