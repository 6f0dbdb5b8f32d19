package io.voiceagent.net;

import java.io.IOException;
import java.util.Objects;

/** A connection through the SOCKS5 proxy failed; {@link #failure()} says which way. Never carries the password. */
final class ProxyConnectException extends IOException {
    private final ProxyFailure failure;

    ProxyConnectException(ProxyFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    ProxyFailure failure() {
        return failure;
    }
}
