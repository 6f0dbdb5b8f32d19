package io.voiceagent.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a connection through the SOCKS5 proxy failed, named so an operator can act on it.
 *
 * <p>The loopback tunnel reports each failure to {@code java.net.http} as its own HTTP status in the
 * private 59x range. {@code java.net.http} surfaces a failed CONNECT only as
 * {@code IOException("Tunnel failed, got: <status>")}, so the status is the one channel that survives
 * from the tunnel to the caller; for plain {@code http://} requests (forwarded, not tunnelled) the
 * caller receives the status as the response itself.
 */
public enum ProxyFailure {
    /** The proxy could not be reached: name not resolvable, connection refused, I/O error in the greeting. */
    UNREACHABLE("proxy_unreachable", 591, "Proxy Unreachable"),
    /** The proxy rejected our username/password (RFC 1929) or offered no method we can use. */
    AUTH_FAILED("proxy_auth_failed", 592, "Proxy Authentication Failed"),
    /** The proxy answered the CONNECT with an error (RFC 1928 reply 0x01-0x08): target refused or unreachable. */
    TARGET_REFUSED("proxy_target_refused", 593, "Proxy Refused Target");

    private final String cause;
    private final int tunnelStatus;
    private final String reason;

    ProxyFailure(String cause, int tunnelStatus, String reason) {
        this.cause = cause;
        this.tunnelStatus = tunnelStatus;
        this.reason = reason;
    }

    /** The failure cause as it goes on a call record and in the log. */
    public String cause() {
        return cause;
    }

    /** The status the loopback tunnel answers with. */
    public int tunnelStatus() {
        return tunnelStatus;
    }

    String reasonPhrase() {
        return reason;
    }

    /** The failure a tunnel status stands for, e.g. a plain-http response that came back as 592. */
    public static Optional<ProxyFailure> fromTunnelStatus(int status) {
        return Arrays.stream(values()).filter(f -> f.tunnelStatus == status).findFirst();
    }
}
