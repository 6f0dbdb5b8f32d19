package io.voiceagent.sip;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The address and port our SDP {@code o=}/{@code c=}/{@code m=} lines give for a call's RTP. The
 * address: SIP_PUBLIC_IP when set, else what STUN says the RTP socket is mapped to, else the
 * address the SIP side learned (STUN on the SIP socket, the registrar's received). The port: the
 * RTP socket's STUN mapping when there is one (a port-changing NAT), else the local port (a
 * port-preserving NAT, or none; a latching carrier then follows our RTP anyway, since we send first).
 */
public record SdpEndpoint(String address, int port) {

    public SdpEndpoint {
        Objects.requireNonNull(address, "address");
    }

    static SdpEndpoint choose(Optional<String> publicIp, String learnedAddress, int localRtpPort,
                              Optional<InetSocketAddress> rtpMapping) {
        String address = publicIp.or(() -> rtpMapping.map(m -> m.getAddress().getHostAddress()))
                .orElse(learnedAddress);
        int port = rtpMapping.map(InetSocketAddress::getPort).orElse(localRtpPort);
        return new SdpEndpoint(address, port);
    }
}
