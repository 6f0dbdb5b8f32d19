package io.voiceagent.sip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One Via header value (RFC 3261 §20.42, §18.2.1). {@code received} and {@code rport} (RFC 3581)
 * tell us the address the far end saw our packet come from, which is our NAT binding.
 */
public record Via(String transport, String host, OptionalInt port, Map<String, String> params) {

    /** Branches of RFC 3261 transactions start with this magic cookie. */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    public Via {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static Optional<Via> parse(String value) {
        String v = value.strip();
        int slash2 = nthIndexOf(v, '/', 2);
        if (slash2 < 0) {
            return Optional.empty();
        }
        String protocol = v.substring(0, slash2).replaceAll("\\s", "");
        if (!protocol.equalsIgnoreCase("SIP/2.0")) {
            return Optional.empty();
        }
        String rest = v.substring(slash2 + 1).stripLeading();
        int space = indexOfWhitespace(rest);
        if (space < 0) {
            return Optional.empty();
        }
        String transport = rest.substring(0, space).toUpperCase(Locale.ROOT);
        String sentBy = rest.substring(space).strip();
        int semi = sentBy.indexOf(';');
        String hostPort = (semi < 0 ? sentBy : sentBy.substring(0, semi)).replaceAll("\\s", "");
        Map<String, String> params = semi < 0 ? Map.of() : HeaderParams.parse(sentBy.substring(semi));
        HostPort hp = HostPort.parse(hostPort).orElse(null);
        if (hp == null) {
            return Optional.empty();
        }
        return Optional.of(new Via(transport, hp.host(), hp.port(), params));
    }

    public Optional<String> branch() {
        return Optional.ofNullable(params.get("branch"));
    }

    public Optional<String> received() {
        return Optional.ofNullable(params.get("received")).filter(s -> !s.isEmpty());
    }

    public OptionalInt rport() {
        String r = params.get("rport");
        if (r == null || r.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(r));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A Via for our request: {@code SIP/2.0/UDP host:port;rport;branch=...}. */
    public static String ours(String host, int port, String branch) {
        return "SIP/2.0/UDP " + host + ":" + port + ";rport;branch=" + branch;
    }

    /** The same Via with received/rport set to where the request really came from (RFC 3581 §4). */
    public static String stampSource(String viaValue, String sourceHost, int sourcePort) {
        Optional<Via> parsed = parse(viaValue);
        if (parsed.isEmpty()) {
            return viaValue;
        }
        Via via = parsed.get();
        Map<String, String> params = new LinkedHashMap<>(via.params);
        if (!via.host.equals(sourceHost) || via.params.containsKey("rport")) {
            params.put("received", sourceHost);
        }
        if (via.params.containsKey("rport")) {
            params.put("rport", Integer.toString(sourcePort));
        }
        String port = via.port.isPresent() ? ":" + via.port.getAsInt() : "";
        return "SIP/2.0/" + via.transport + " " + via.host + port + HeaderParams.format(params);
    }

    private static int nthIndexOf(String s, char ch, int n) {
        int idx = -1;
        for (int i = 0; i < n; i++) {
            idx = s.indexOf(ch, idx + 1);
            if (idx < 0) {
                return -1;
            }
        }
        return idx;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
