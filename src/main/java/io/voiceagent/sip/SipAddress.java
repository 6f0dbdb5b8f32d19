package io.voiceagent.sip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A From, To, Contact or Route value (RFC 3261 §20.10 name-addr / addr-spec) with its header
 * parameters. Without angle brackets, parameters after the URI belong to the header (§20).
 */
public record SipAddress(String displayName, String uri, Map<String, String> params) {

    public SipAddress {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(uri, "uri");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static SipAddress of(String uri) {
        return new SipAddress("", uri, Map.of());
    }

    public static Optional<SipAddress> parse(String value) {
        String v = value.strip();
        String display = "";
        int i = 0;
        if (v.startsWith("\"")) {
            int end = closingQuote(v);
            if (end < 0) {
                return Optional.empty();
            }
            display = HeaderParams.unquote(v.substring(0, end + 1));
            i = end + 1;
        }
        int lt = v.indexOf('<', i);
        if (lt >= 0) {
            if (display.isEmpty()) {
                display = v.substring(i, lt).strip();
            }
            int gt = v.indexOf('>', lt);
            if (gt < 0) {
                return Optional.empty();
            }
            String uri = v.substring(lt + 1, gt);
            // No LWS is allowed inside the angle brackets (RFC 4475 §3.1.2.14).
            if (uri.indexOf(':') <= 0 || uri.chars().anyMatch(Character::isWhitespace)) {
                return Optional.empty();
            }
            return Optional.of(new SipAddress(display, uri, HeaderParams.parse(v.substring(gt + 1))));
        }
        if (i > 0) {
            return Optional.empty();
        }
        int semi = v.indexOf(';');
        String uri = (semi < 0 ? v : v.substring(0, semi)).strip();
        // An addr-spec outside brackets cannot hold ',', '?' or ';' (RFC 3261 §20.10).
        if (uri.indexOf(':') <= 0 || uri.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '?')) {
            return Optional.empty();
        }
        return Optional.of(new SipAddress("", uri, semi < 0 ? Map.of() : HeaderParams.parse(v.substring(semi))));
    }

    public Optional<String> tag() {
        return Optional.ofNullable(params.get("tag")).filter(t -> !t.isEmpty());
    }

    public SipAddress withTag(String tag) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.put("tag", tag);
        return new SipAddress(displayName, uri, copy);
    }

    /** The user part of a sip:/sips:/tel: URI ("79161234567" in sip:79161234567@host), or empty. */
    public String user() {
        return SipUri.parse(uri).map(SipUri::user).orElse("");
    }

    public String format() {
        String name = displayName.isEmpty() ? "" : "\"" + displayName.replace("\\", "\\\\").replace("\"", "\\\"") + "\" ";
        return name + "<" + uri + ">" + HeaderParams.format(params);
    }

    private static int closingQuote(String v) {
        for (int i = 1; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == '"') {
                return i;
            }
        }
        return -1;
    }
}
