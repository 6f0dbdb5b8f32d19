package io.voiceagent.sip;

/** An in-dialog request we sent that did not succeed: its final status (0 when it was never sent) and why. */
public final class SipRequestException extends RuntimeException {

    private final String method;
    private final int status;

    public SipRequestException(String method, int status, String reason) {
        super(method + (status > 0 ? " answered " + status + " " : " not sent: ") + reason);
        this.method = method;
        this.status = status;
    }

    public String method() {
        return method;
    }

    public int status() {
        return status;
    }
}
