package io.voiceagent.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressScopeTest {

    @Test
    void privateSharedLinkLocalAndUniqueLocalAddressesArePrivate() throws Exception {
        for (String ip : new String[] {"10.0.0.1", "172.16.5.5", "172.31.255.255", "192.168.1.1", "100.64.0.1",
                "100.127.255.254", "169.254.10.10", "fd00::1", "fe80::1"}) {
            assertThat(AddressScope.isPrivate(InetAddress.getByName(ip))).as(ip).isTrue();
        }
    }

    @Test
    void loopbackAndPublicAddressesAreNot() throws Exception {
        for (String ip : new String[] {"127.0.0.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "100.63.255.255",
                "203.0.113.10", "2001:db8::1", "::1"}) {
            assertThat(AddressScope.isPrivate(InetAddress.getByName(ip))).as(ip).isFalse();
        }
    }
}
