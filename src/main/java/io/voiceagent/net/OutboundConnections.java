package io.voiceagent.net;

import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;

/**
 * The one way out to the internet for TCP: ElevenLabs (WebSocket, signed URL) and Exolve's API.
 * When SOCKS5_PROXY is set, every connection made through {@link #httpClient()} goes through it.
 */
public interface OutboundConnections extends AutoCloseable {

    /** Shared client for HTTP and WebSocket; it must not be closed by callers. */
    HttpClient httpClient();

    /**
     * Maps a failed request's exception to a proxy failure, if that is what it was:
     * {@code proxy_unreachable}, {@code proxy_auth_failed} or {@code proxy_target_refused}.
     */
    Optional<String> proxyFailureCause(Throwable failure);

    /** The proxy settings (password masked) and the result of a test connection. */
    Map<String, Object> check();

    @Override
    void close();
}
