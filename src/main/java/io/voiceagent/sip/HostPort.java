package io.voiceagent.sip;

import java.util.Optional;
import java.util.OptionalInt;

/** {@code host[:port]} with IPv6 references in brackets. */
record HostPort(String host, OptionalInt port) {

    static Optional<HostPort> parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        String host;
        String portText = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = t.substring(0, close + 1);
            String rest = t.substring(close + 1);
            if (rest.startsWith(":")) {
                portText = rest.substring(1);
            } else if (!rest.isEmpty()) {
                return Optional.empty();
            }
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            portText = colon < 0 ? null : t.substring(colon + 1);
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-.[]:_".indexOf(c) >= 0)) {
            return Optional.empty();
        }
        if (portText == null) {
            return Optional.of(new HostPort(host, OptionalInt.empty()));
        }
        try {
            int port = Integer.parseInt(portText);
            if (port < 0 || port > 65535) {
                return Optional.empty();
            }
            return Optional.of(new HostPort(host, OptionalInt.of(port)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
