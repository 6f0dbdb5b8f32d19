package io.voiceagent.demo.ws;

import java.util.Objects;

/**
 * How a WebSocket connection ended.
 *
 * @param code           the close code: the peer's if it started the closing handshake, ours if we did,
 *                       {@link CloseCodes#ABNORMAL_CLOSURE} if the TCP connection ended without one
 * @param reason         the close reason (may be empty)
 * @param initiatedByPeer true when the client sent the first close frame or dropped the connection
 */
public record CloseStatus(int code, String reason, boolean initiatedByPeer) {
    public CloseStatus {
        Objects.requireNonNull(reason, "reason");
    }
}
