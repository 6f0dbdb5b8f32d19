package io.voiceagent.net;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * Socket addresses as people write them: {@code 203.0.113.7:5060}, {@code [2001:db8::1]:5060},
 * {@code sip.example.org:5060} when unresolved; never the JDK's {@code /203.0.113.7:5060}.
 */
public final class SocketAddresses {
    private SocketAddresses() {
    }

    /** {@code host:port}; an empty string for null, so a JSON field that has no address yet stays a string. */
    public static String hostPort(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        String host = address.isUnresolved() || address.getAddress() == null ? address.getHostString()
                : address.getAddress().getHostAddress();
        boolean ipv6 = address.getAddress() instanceof Inet6Address || host.contains(":");
        return (ipv6 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
