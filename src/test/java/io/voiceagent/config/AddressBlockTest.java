package io.voiceagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressBlockTest {

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void aSingleAddressHoldsOnlyItself() throws Exception {
        AddressBlock block = AddressBlock.parse(" 80.75.130.100 ");
        assertThat(block.contains(ip("80.75.130.100"))).isTrue();
        assertThat(block.contains(ip("80.75.130.101"))).isFalse();
        assertThat(block).hasToString("80.75.130.100");
    }

    @Test
    void aCidrBlockHoldsItsRangeOnly() throws Exception {
        AddressBlock block = AddressBlock.parse("80.75.130.0/23");
        assertThat(block.contains(ip("80.75.131.255"))).isTrue();
        assertThat(block.contains(ip("80.75.132.0"))).isFalse();
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(AddressBlock.parse("2001:db8::/32").contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(AddressBlock.parse("2001:db8::/32").contains(ip("80.75.130.1"))).as("other family").isFalse();
    }

    @Test
    void namesAndBadPrefixesAreRefusedWithoutDns() {
        assertThatThrownBy(() -> AddressBlock.parse("sbc.exolve.ru")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> AddressBlock.parse("10.0.0.0/33")).hasMessageContaining("prefix length 33");
        assertThatThrownBy(() -> AddressBlock.parse("10.0.0.0/x")).hasMessageContaining("not a prefix length");
    }
}
