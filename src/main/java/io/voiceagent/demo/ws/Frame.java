package io.voiceagent.demo.ws;

import java.util.Objects;

/** One WebSocket frame as read from a client, payload already unmasked (RFC 6455 section 5.2). */
record Frame(boolean fin, int opcode, byte[] payload) {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    Frame {
        Objects.requireNonNull(payload, "payload");
    }

    boolean isControl() {
        return (opcode & 0x8) != 0;
    }

    @Override
    public String toString() {
        return "Frame[fin=" + fin + ", opcode=" + opcode + ", length=" + payload.length + "]";
    }
}
