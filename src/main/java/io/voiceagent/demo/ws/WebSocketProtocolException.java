package io.voiceagent.demo.ws;

/** A peer broke RFC 6455; the connection is failed with {@link #closeCode()}. */
final class WebSocketProtocolException extends Exception {
    private final int closeCode;

    WebSocketProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    int closeCode() {
        return closeCode;
    }
}
