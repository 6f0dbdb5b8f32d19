package io.voiceagent.app.exolve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A SIP message as text (RFC 3261 §7): start line, header fields in order, body. Just enough of the
 * grammar for a test peer: header names compare case-insensitively and the compact forms of §7.3.3
 * are understood; Content-Length is computed when the message is written.
 */
public record SipText(String startLine, List<Map.Entry<String, String>> headers, String body) {
    private static final Map<String, String> COMPACT = Map.of(
            "v", "via", "f", "from", "t", "to", "i", "call-id", "m", "contact",
            "l", "content-length", "c", "content-type", "k", "supported");

    public SipText {
        Objects.requireNonNull(startLine, "startLine");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    static SipText request(String method, String requestUri) {
        return new SipText(method + " " + requestUri + " SIP/2.0", List.of(), "");
    }

    static SipText response(int status, String reason) {
        return new SipText("SIP/2.0 " + status + " " + reason, List.of(), "");
    }

    /** Empty for anything that is not a SIP message (a keep-alive, noise). */
    static Optional<SipText> parse(byte[] data, int length) {
        String text = new String(data, 0, length, StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0 || text.isBlank()) {
            return Optional.empty();
        }
        String[] lines = text.substring(0, headerEnd).split("\r\n");
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                Map.Entry<String, String> last = headers.removeLast();
                headers.add(Map.entry(last.getKey(), last.getValue() + " " + line.strip()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
            }
        }
        SipText message = new SipText(lines[0], headers, text.substring(headerEnd + 4));
        int declared = message.header("Content-Length").map(v -> Integer.parseInt(v.strip())).orElse(-1);
        if (declared >= 0) {
            byte[] body = message.body().getBytes(StandardCharsets.UTF_8);
            message = message.withBody(new String(body, 0, Math.min(declared, body.length), StandardCharsets.UTF_8));
        }
        return Optional.of(message);
    }

    public boolean isRequest() {
        return !startLine.startsWith("SIP/2.0 ");
    }

    public String method() {
        return isRequest() ? startLine.substring(0, startLine.indexOf(' ')) : cseqMethod();
    }

    public String requestUri() {
        return startLine.split(" ")[1];
    }

    public int status() {
        return isRequest() ? 0 : Integer.parseInt(startLine.split(" ")[1]);
    }

    public Optional<String> header(String name) {
        return allHeaders(name).stream().findFirst();
    }

    public List<String> allHeaders(String name) {
        String wanted = canonical(name);
        return headers.stream().filter(h -> canonical(h.getKey()).equals(wanted)).map(Map.Entry::getValue).toList();
    }

    public String callId() {
        return header("Call-ID").orElse("");
    }

    long cseqNumber() {
        return Long.parseLong(header("CSeq").orElse("0 X").strip().split("\\s+")[0]);
    }

    String cseqMethod() {
        return header("CSeq").orElse("0 X").strip().split("\\s+")[1];
    }

    SipText with(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new SipText(startLine, more, body);
    }

    /** Every value of the named header removed, then {@code value} appended in its place. */
    SipText replacing(String name, String value) {
        String wanted = canonical(name);
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.stream()
                .filter(h -> !canonical(h.getKey()).equals(wanted)).toList());
        kept.add(Map.entry(name, value));
        return new SipText(startLine, kept, body);
    }

    SipText withBody(String contentType, String newBody) {
        return replacing("Content-Type", contentType).withBody(newBody);
    }

    private SipText withBody(String newBody) {
        return new SipText(startLine, headers, newBody);
    }

    /** A response to this request that copies what §8.2.6.2 says it must: Via, From, To, Call-ID, CSeq. */
    SipText respond(int status, String reason) {
        SipText response = response(status, reason);
        for (String via : allHeaders("Via")) {
            response = response.with("Via", via);
        }
        for (String name : List.of("From", "To", "Call-ID", "CSeq")) {
            response = response.with(name, header(name).orElse(""));
        }
        return response;
    }

    byte[] toBytes() {
        StringBuilder out = new StringBuilder(startLine).append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            if (!canonical(h.getKey()).equals("content-length")) {
                out.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
        }
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        out.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n").append(body);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code tag} parameter of a From or To value. */
    public static Optional<String> tag(String nameAddr) {
        return param(nameAddr.substring(Math.max(0, nameAddr.lastIndexOf('>'))), "tag");
    }

    /** A {@code ;name=value} parameter of a header value, outside any angle brackets. */
    static Optional<String> param(String value, String name) {
        for (String part : value.split(";")) {
            String[] kv = part.strip().split("=", 2);
            if (kv[0].equalsIgnoreCase(name)) {
                return Optional.of(kv.length == 2 ? kv[1] : "");
            }
        }
        return Optional.empty();
    }

    /** The URI inside {@code <...>} of a name-addr, or the value up to its parameters. */
    static String uri(String nameAddr) {
        int open = nameAddr.indexOf('<');
        if (open >= 0) {
            return nameAddr.substring(open + 1, nameAddr.indexOf('>', open));
        }
        return nameAddr.split(";", 2)[0].strip();
    }

    @Override
    public String toString() {
        return startLine + " (" + callId() + ")";
    }

    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return COMPACT.getOrDefault(lower, lower);
    }
}
