package io.voiceagent.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a client finds the running service's HTTP API: HTTP_HOST, HTTP_PORT and API_TOKEN, the only
 * settings the CLI's client commands read (see {@link ConfigLoader#apiEndpoint}).
 */
public record ApiEndpoint(String host, int port, Optional<Secret> token) {
    public ApiEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(token, "token");
    }
}
