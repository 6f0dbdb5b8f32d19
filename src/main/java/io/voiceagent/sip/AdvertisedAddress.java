package io.voiceagent.sip;

import io.voiceagent.net.AddressScope;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether the address we put in Contact and SDP can be reached by the carrier: a private address
 * (RFC 1918), a carrier-grade NAT one (RFC 6598, 100.64/10), a link-local one, or loopback when the
 * carrier is not on loopback, means the carrier's answers and media go nowhere. A private address
 * toward a private carrier (a LAN PBX, a test network) is fine.
 */
public final class AdvertisedAddress {

    private AdvertisedAddress() {
    }

    /** The warning an operator needs when {@code advertised} cannot work toward {@code carrier}. */
    public static Optional<String> warning(String advertised, InetAddress carrier) {
        InetAddress address;
        try {
            address = InetAddress.getByName(advertised);
        } catch (UnknownHostException e) {
            return Optional.of("the advertised address " + advertised + " is not an IP address");
        }
        if (address.isLoopbackAddress()) {
            return carrier.isLoopbackAddress() ? Optional.empty() : Optional.of(advice(advertised, "a loopback address"));
        }
        if (AddressScope.isPrivate(address) && !AddressScope.isPrivate(carrier) && !carrier.isLoopbackAddress()) {
            return Optional.of(advice(advertised, "a private address (RFC 1918, RFC 6598 or link-local)"));
        }
        return Optional.empty();
    }

    private static String advice(String advertised, String kind) {
        return "SIP and SDP advertise " + advertised + ", " + kind + " the carrier cannot reach: set SIP_PUBLIC_IP"
                + " to this host's public IPv4, or SIP_STUN_SERVER, or check that the registrar reports"
                + " received/rport";
    }
}
