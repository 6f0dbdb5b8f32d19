package io.voiceagent.demo.ws;

/**
 * Events of one accepted connection, called on its reader thread in order. Pings are answered by the
 * server itself. {@link #onClose} is called exactly once, last.
 */
public interface WebSocketListener {
    default void onOpen(WebSocketConnection connection) {
    }

    default void onText(WebSocketConnection connection, String text) {
    }

    default void onBinary(WebSocketConnection connection, byte[] data) {
    }

    default void onPong(WebSocketConnection connection, byte[] payload) {
    }

    default void onClose(WebSocketConnection connection, CloseStatus status) {
    }
}
