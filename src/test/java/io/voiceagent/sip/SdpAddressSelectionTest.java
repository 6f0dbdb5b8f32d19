package io.voiceagent.sip;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which address and port our SDP carries, and when the address we advertise deserves a warning. */
class SdpAddressSelectionTest {

    private static final InetSocketAddress RTP_MAPPING = new InetSocketAddress("198.51.100.20", 31_337);

    @Test
    void sipPublicIpWinsForTheAddressAndStunGivesThePort() {
        assertThat(SdpEndpoint.choose(Optional.of("203.0.113.5"), "10.0.0.2", 10_002, Optional.of(RTP_MAPPING)))
                .isEqualTo(new SdpEndpoint("203.0.113.5", 31_337));
        assertThat(SdpEndpoint.choose(Optional.of("203.0.113.5"), "10.0.0.2", 10_002, Optional.empty()))
                .isEqualTo(new SdpEndpoint("203.0.113.5", 10_002));
    }

    @Test
    void withoutSipPublicIpTheRtpMappingThenTheLearnedAddressIsUsed() {
        assertThat(SdpEndpoint.choose(Optional.empty(), "198.51.100.9", 10_002, Optional.of(RTP_MAPPING)))
                .isEqualTo(new SdpEndpoint("198.51.100.20", 31_337));
        assertThat(SdpEndpoint.choose(Optional.empty(), "198.51.100.9", 10_002, Optional.empty()))
                .isEqualTo(new SdpEndpoint("198.51.100.9", 10_002));
    }

    @Test
    void privateSharedAndLoopbackAddressesTowardAPublicCarrierAreWarnedAbout() throws Exception {
        InetAddress exolve = InetAddress.getByName("80.75.130.100");
        for (String unreachable : new String[] {"10.1.2.3", "172.16.0.9", "192.168.1.5", "100.64.0.1",
                "100.127.255.254", "169.254.10.10", "127.0.0.1"}) {
            assertThat(AdvertisedAddress.warning(unreachable, exolve)).as(unreachable).hasValueSatisfying(
                    w -> assertThat(w).contains(unreachable).contains("SIP_PUBLIC_IP").contains("SIP_STUN_SERVER"));
        }
        for (String reachable : new String[] {"203.0.113.5", "100.128.0.1", "100.63.255.255", "172.32.0.1"}) {
            assertThat(AdvertisedAddress.warning(reachable, exolve)).as(reachable).isEmpty();
        }
    }

    @Test
    void aPrivateAddressTowardAPrivateOrLoopbackCarrierIsFine() throws Exception {
        assertThat(AdvertisedAddress.warning("10.1.2.3", InetAddress.getByName("10.9.9.9"))).isEmpty();
        assertThat(AdvertisedAddress.warning("127.0.0.1", InetAddress.getLoopbackAddress())).isEmpty();
    }
}
