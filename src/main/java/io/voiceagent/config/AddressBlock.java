package io.voiceagent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of an address list such as {@code SIP_TRUSTED_PEERS}: a single IPv4/IPv6 address or a
 * CIDR block ({@code 80.75.130.0/24}). Parsed from literals only, so reading the config never
 * waits on DNS.
 */
public record AddressBlock(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public AddressBlock {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + bits);
        }
    }

    /** The block that holds exactly {@code address}. */
    public static AddressBlock of(InetAddress address) {
        return new AddressBlock(address, address.getAddress().length * 8);
    }

    /** {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code 2001:db8::1}, {@code 2001:db8::/32}. */
    public static AddressBlock parse(String text) {
        String s = Objects.requireNonNull(text, "text").strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        InetAddress network;
        try {
            network = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        int bits = network.getAddress().length * 8;
        if (slash < 0) {
            return new AddressBlock(network, bits);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + s.substring(slash + 1));
        }
        return new AddressBlock(network, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        String host = network.getHostAddress();
        return prefixLength == network.getAddress().length * 8 ? host : host + "/" + prefixLength;
    }
}
