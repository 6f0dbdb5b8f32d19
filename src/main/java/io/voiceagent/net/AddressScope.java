package io.voiceagent.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Whether an address belongs to a private network: what both the SDP we advertise (can the carrier
 * reach us?) and the far end's SDP (may its media come from elsewhere, through its NAT?) are judged by.
 */
public final class AddressScope {

    private AddressScope() {
    }

    /**
     * RFC 1918, RFC 6598 (100.64.0.0/10, carrier-grade NAT), IPv4 link-local (169.254/16), IPv6
     * site/link-local and unique-local (fc00::/7): not reachable from outside its own network.
     * Loopback and public addresses are not private.
     */
    public static boolean isPrivate(InetAddress address) {
        if (address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64;
        }
        return (bytes[0] & 0xFE) == 0xFC;
    }
}
