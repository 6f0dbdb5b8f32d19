package io.voiceagent.demo.carrier;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A SIP request or response (RFC 3261 §7) as the carrier sees it: start line, headers in order and
 * a body. Just enough of the grammar for a simulator: compact header names, folded lines and
 * comma-separated Via values are understood; Content-Length is always recomputed on the way out.
 *
 * @param startLine "INVITE sip:... SIP/2.0" or "SIP/2.0 200 OK"
 * @param headers   in wire order, names in their full form
 */
record SipMessage(String startLine, List<Header> headers, String body) {

    record Header(String name, String value) {
        Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** RFC 3261 §7.3.3 compact forms, plus the RFC 3515/4028 ones a UA may send. */
    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("v", "Via"), Map.entry("f", "From"), Map.entry("t", "To"), Map.entry("i", "Call-ID"),
            Map.entry("m", "Contact"), Map.entry("l", "Content-Length"), Map.entry("c", "Content-Type"),
            Map.entry("k", "Supported"), Map.entry("s", "Subject"), Map.entry("e", "Content-Encoding"),
            Map.entry("r", "Refer-To"), Map.entry("x", "Session-Expires"), Map.entry("o", "Event"));

    SipMessage {
        Objects.requireNonNull(startLine, "startLine");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    static SipMessage request(String method, String uri, List<Header> headers, String body) {
        return new SipMessage(method + " " + uri + " SIP/2.0", headers, body);
    }

    /** Parses one datagram; empty for keep-alives and anything that is not a SIP message. */
    static Optional<SipMessage> parse(byte[] data, int length) {
        String text = new String(data, 0, length, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        int separator = 4;
        if (headEnd < 0) {
            headEnd = text.indexOf("\n\n");
            separator = 2;
        }
        if (headEnd < 0 || text.isBlank()) {
            return Optional.empty();
        }
        String[] lines = text.substring(0, headEnd).split("\r?\n");
        String startLine = lines[0].strip();
        if (!startLine.startsWith("SIP/2.0 ") && !startLine.endsWith(" SIP/2.0")) {
            return Optional.empty();
        }
        List<Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                Header last = headers.removeLast();
                headers.add(new Header(last.name(), last.value() + " " + line.strip()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = canonicalName(line.substring(0, colon).strip());
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Via")) {
                for (String via : splitOutsideQuotes(value)) {
                    headers.add(new Header(name, via));
                }
            } else {
                headers.add(new Header(name, value));
            }
        }
        byte[] bodyBytes = text.substring(headEnd + separator).getBytes(StandardCharsets.UTF_8);
        int declared = headers.stream().filter(h -> h.name().equals("Content-Length")).findFirst()
                .map(h -> parseIntOr(h.value(), -1)).orElse(bodyBytes.length);
        if (declared < 0 || declared > bodyBytes.length) {
            return Optional.empty();
        }
        String body = new String(bodyBytes, 0, declared, StandardCharsets.UTF_8);
        return Optional.of(new SipMessage(startLine, headers, body));
    }

    byte[] toBytes() {
        StringBuilder out = new StringBuilder(512).append(startLine).append("\r\n");
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        for (Header h : headers) {
            if (!h.name().equals("Content-Length")) {
                out.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        out.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n").append(body);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    boolean isRequest() {
        return !startLine.startsWith("SIP/2.0 ");
    }

    /** The request method, or the CSeq method of a response. */
    String method() {
        if (isRequest()) {
            return startLine.substring(0, startLine.indexOf(' '));
        }
        String cseq = header("CSeq").orElse("");
        return cseq.substring(cseq.indexOf(' ') + 1).strip();
    }

    String requestUri() {
        String[] parts = startLine.split(" ");
        return parts.length == 3 ? parts[1] : "";
    }

    int statusCode() {
        return isRequest() ? 0 : parseIntOr(startLine.split(" ")[1], 0);
    }

    long cseqNumber() {
        String cseq = header("CSeq").orElse("");
        int space = cseq.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? cseq : cseq.substring(0, space).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    String callId() {
        return header("Call-ID").orElse("");
    }

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    List<String> headers(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    /** The branch of the top Via: the transaction's key (RFC 3261 §17.2.3). */
    String topBranch() {
        return header("Via").flatMap(via -> param(via, "branch")).orElse("");
    }

    /** A copy with the first header of that name replaced (or appended when absent). */
    SipMessage withHeader(String name, String value) {
        List<Header> out = new ArrayList<>(headers);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).name().equalsIgnoreCase(name)) {
                out.set(i, new Header(out.get(i).name(), value));
                return new SipMessage(startLine, out, body);
            }
        }
        out.add(new Header(name, value));
        return new SipMessage(startLine, out, body);
    }

    /**
     * A response to this request (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied,
     * a tag added to To when given and To has none.
     */
    SipMessage response(int code, String reason, String toTag, List<Header> extra, String body) {
        List<Header> out = new ArrayList<>();
        for (Header h : headers) {
            switch (h.name()) {
                case "Via", "From", "Call-ID", "CSeq" -> out.add(h);
                case "To" -> out.add(toTag != null && param(h.value(), "tag").isEmpty()
                        ? new Header("To", h.value() + ";tag=" + toTag) : h);
                default -> { }
            }
        }
        out.addAll(extra);
        return new SipMessage("SIP/2.0 " + code + " " + reason, out, body);
    }

    /** A header parameter such as {@code tag} or {@code branch}, outside any {@code <uri>} and quotes. */
    static Optional<String> param(String headerValue, String name) {
        int close = headerValue.lastIndexOf('>');
        String params = close >= 0 ? headerValue.substring(close + 1) : headerValue;
        for (String part : params.split(";")) {
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).strip();
            if (key.equalsIgnoreCase(name)) {
                return Optional.of(eq < 0 ? "" : unquote(part.substring(eq + 1).strip()));
            }
        }
        return Optional.empty();
    }

    /** The URI inside {@code "Name" <uri>;params}, or the bare URI before its parameters. */
    static String uri(String nameAddr) {
        int open = nameAddr.indexOf('<');
        int close = nameAddr.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return nameAddr.substring(open + 1, close);
        }
        int semicolon = nameAddr.indexOf(';');
        return (semicolon < 0 ? nameAddr : nameAddr.substring(0, semicolon)).strip();
    }

    /** The user part of a sip: URI ({@code sip:user@host}), empty when it has none. */
    static String userOf(String uri) {
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        return at > colon ? uri.substring(colon + 1, at) : "";
    }

    /** The host (and port) of a sip: URI, without parameters. */
    static String hostPortOf(String uri) {
        int start = Math.max(uri.indexOf('@'), uri.indexOf(':')) + 1;
        int end = uri.indexOf(';', start);
        return (end < 0 ? uri.substring(start) : uri.substring(start, end)).strip();
    }

    static List<String> splitOutsideQuotes(String value) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int angle = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>') {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                parts.add(value.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(value.substring(start).strip());
        return parts;
    }

    static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    private static String canonicalName(String name) {
        String full = name.length() == 1 ? COMPACT.get(name.toLowerCase(Locale.ROOT)) : null;
        if (full != null) {
            return full;
        }
        for (String known : COMPACT.values()) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        for (String known : List.of("CSeq", "Max-Forwards", "WWW-Authenticate", "Authorization",
                "Proxy-Authenticate", "Proxy-Authorization", "Expires", "Record-Route", "Route")) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return name;
    }

    private static int parseIntOr(String text, int fallback) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public String toString() {
        return startLine + " (Call-ID " + callId() + ", CSeq " + header("CSeq").orElse("?") + ")";
    }
}
