package io.voiceagent.sip;

/** An SDP body we cannot use, with what is wrong with it. */
public final class SdpException extends Exception {
    public SdpException(String message) {
        super(message);
    }
}
