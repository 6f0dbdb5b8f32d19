package io.voiceagent.demo.agent;

/**
 * An HTTP request or WebSocket upgrade the fake refused.
 *
 * @param path   the request path
 * @param status the HTTP status answered (401, 403, 404, ...)
 * @param reason why, as sent in the body's {@code detail.message}
 */
public record RejectedRequest(String path, int status, String reason) {
}
