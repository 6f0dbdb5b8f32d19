package io.voiceagent.sip;

import java.util.Optional;

/**
 * A datagram that is not a valid SIP message. When the start line and headers were readable as a
 * request, {@link #request()} holds them so the receiver can answer 400 (RFC 3261 §21.4.1).
 */
public final class SipParseException extends Exception {
    private final transient SipMessage.Request request;

    SipParseException(String message) {
        this(message, null);
    }

    SipParseException(String message, SipMessage.Request request) {
        super(message);
        this.request = request;
    }

    public Optional<SipMessage.Request> request() {
        return Optional.ofNullable(request);
    }
}
