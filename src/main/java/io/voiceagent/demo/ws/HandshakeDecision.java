package io.voiceagent.demo.ws;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What an {@link UpgradeHandler} does with a request: accept the WebSocket, or answer it with plain HTTP. */
public sealed interface HandshakeDecision {

    /** Complete the upgrade (101) and hand the connection's events to {@code listener}. */
    record Accept(WebSocketListener listener) implements HandshakeDecision {
        public Accept {
            Objects.requireNonNull(listener, "listener");
        }
    }

    /** Answer with an HTTP response and close the TCP connection (a rejected upgrade, or a plain request). */
    record Respond(int status, String contentType, byte[] body) implements HandshakeDecision {
        public Respond {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be 200..599: " + status);
            }
            Objects.requireNonNull(contentType, "contentType");
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    static HandshakeDecision accept(WebSocketListener listener) {
        return new Accept(listener);
    }

    static HandshakeDecision json(int status, String json) {
        return new Respond(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static HandshakeDecision text(int status, String text) {
        return new Respond(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
