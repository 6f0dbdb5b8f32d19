package io.voiceagent.net;

import io.voiceagent.config.Config;

import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The service's outbound connections as tests build them. */
public final class TestConnections {
    /** For tests that never call {@link ProxiedConnections#check()}: nothing listens on port 9. */
    private static final URI UNUSED_PROBE = URI.create("https://127.0.0.1:9");

    private TestConnections() {
    }

    /** Through {@code proxy}, or direct without one, trusting the JDK's certificate authorities. */
    public static ProxiedConnections through(Optional<Config.Proxy> proxy) {
        return new ProxiedConnections(proxy, UNUSED_PROBE);
    }

    /** Trusting {@code trust} (e.g. a test's own CA); {@link ProxiedConnections#check()} connects to {@code probe}. */
    static ProxiedConnections trusting(Optional<Config.Proxy> proxy, SSLContext trust, URI probe) {
        return new ProxiedConnections(proxy, trust, probe, ProxiedConnections.CONNECT_TIMEOUT);
    }
}
