package io.voiceagent.demo.ws;

/**
 * Decides, from the request line and headers, whether a request becomes a WebSocket. It is also called for
 * requests that do not ask for an upgrade, so one port can serve a small HTTP API beside the WebSocket.
 * Runs on the connection's virtual thread; a thrown exception answers 500.
 */
@FunctionalInterface
public interface UpgradeHandler {
    HandshakeDecision decide(HttpRequestHead request);
}
