package io.voiceagent.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one SIP message from a UDP datagram (RFC 3261 §7, §18.3). Strict where a wrong reading
 * would route a message wrongly (start line, Via, CSeq, Call-ID, From/To, Content-Length), lenient
 * about the rest, as RFC 4475 asks of a robust parser.
 */
public final class SipParser {

    /** Larger datagrams are dropped: nothing we exchange comes close. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");
    private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 ([1-6][0-9]{2}) (.*)");
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Za-z0-9.!%*_+`'~-]+) ([^ ]+) (SIP/[^ ]+)");

    private SipParser() {
    }

    public static SipMessage parse(byte[] data, int length) throws SipParseException {
        if (length > MAX_MESSAGE_BYTES) {
            throw new SipParseException("message of " + length + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        int start = 0;
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while (start + 1 < length && data[start] == '\r' && data[start + 1] == '\n') {
            start += 2;
        }
        int headerEnd = indexOf(data, start, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int bodyStart;
        if (headerEnd >= 0) {
            bodyStart = headerEnd + 4;
        } else {
            headerEnd = indexOf(data, start, length, "\n\n".getBytes(StandardCharsets.US_ASCII));
            if (headerEnd < 0) {
                throw new SipParseException("no empty line after the headers");
            }
            bodyStart = headerEnd + 2;
        }
        String head = new String(data, start, headerEnd - start, StandardCharsets.UTF_8);
        List<String> lines = unfold(head.split("\r?\n", -1));
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new SipParseException("empty start line");
        }
        String startLine = lines.get(0);
        SipHeaders headers = parseHeaders(lines.subList(1, lines.size()));
        int available = length - bodyStart;
        SipMessage message;
        if (startLine.startsWith("SIP/")) {
            var m = STATUS_LINE.matcher(startLine);
            if (!m.matches()) {
                throw new SipParseException("bad status line: " + startLine);
            }
            String body = body(data, bodyStart, available, headers, null);
            message = new SipMessage.Response(Integer.parseInt(m.group(1)), m.group(2), headers, body);
        } else {
            var m = REQUEST_LINE.matcher(startLine);
            if (!m.matches()) {
                throw new SipParseException("bad request line: " + startLine);
            }
            if (!m.group(3).equals("SIP/2.0")) {
                throw new SipParseException("unsupported SIP version " + m.group(3));
            }
            String uri = m.group(2);
            int colon = uri.indexOf(':');
            if (colon <= 0 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                throw new SipParseException("Request-URI is not an absolute URI: " + uri);
            }
            SipMessage.Request partial = new SipMessage.Request(m.group(1), uri, headers, "");
            String body = body(data, bodyStart, available, headers, partial);
            message = new SipMessage.Request(m.group(1), uri, headers, body);
        }
        checkMandatoryHeaders(message);
        return message;
    }

    private static List<String> unfold(String[] rawLines) throws SipParseException {
        List<String> lines = new ArrayList<>();
        for (String raw : rawLines) {
            if (!raw.isEmpty() && (raw.charAt(0) == ' ' || raw.charAt(0) == '\t')) {
                if (lines.size() <= 1) {
                    throw new SipParseException("continuation line before any header");
                }
                int last = lines.size() - 1;
                lines.set(last, lines.get(last).stripTrailing() + " " + raw.strip());
            } else {
                lines.add(raw);
            }
        }
        return lines;
    }

    private static SipHeaders parseHeaders(List<String> lines) throws SipParseException {
        List<SipHeaders.Field> fields = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new SipParseException("header line without a name: " + line);
            }
            String name = line.substring(0, colon).strip();
            if (!TOKEN.matcher(name).matches()) {
                throw new SipParseException("bad header name: " + name);
            }
            fields.add(new SipHeaders.Field(SipHeaders.canonicalName(name), line.substring(colon + 1).strip()));
        }
        return new SipHeaders(fields);
    }

    private static String body(byte[] data, int bodyStart, int available, SipHeaders headers,
                               SipMessage.Request partial) throws SipParseException {
        List<String> lengths = headers.lines("Content-Length");
        int length = available;
        if (!lengths.isEmpty()) {
            if (lengths.size() > 1 && lengths.stream().distinct().count() > 1) {
                throw new SipParseException("conflicting Content-Length headers", partial);
            }
            String text = lengths.get(0);
            if (!text.matches("[0-9]{1,9}")) {
                throw new SipParseException("bad Content-Length: " + text, partial);
            }
            length = Integer.parseInt(text);
            if (length > available) {
                throw new SipParseException("Content-Length " + length + " exceeds the " + available
                        + " body bytes received", partial);
            }
        }
        // Bytes beyond Content-Length in a datagram are discarded (RFC 3261 §18.3).
        return new String(data, bodyStart, length, StandardCharsets.UTF_8);
    }

    private static void checkMandatoryHeaders(SipMessage message) throws SipParseException {
        SipMessage.Request asRequest = message instanceof SipMessage.Request r ? r : null;
        SipHeaders h = message.headers();
        for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            if (!h.contains(name)) {
                throw new SipParseException("missing " + name + " header", null);
            }
        }
        for (String name : List.of("From", "To", "Call-ID", "CSeq")) {
            if (h.lines(name).size() > 1) {
                throw new SipParseException("more than one " + name + " header", asRequest);
            }
        }
        for (String name : List.of("From", "To")) {
            String value = h.first(name).orElseThrow();
            if (SipHeaders.splitList(value).size() != 1 || SipAddress.parse(value).isEmpty()) {
                throw new SipParseException("bad " + name + " header: " + value, asRequest);
            }
        }
        if (h.first("Call-ID").orElseThrow().isEmpty()) {
            throw new SipParseException("empty Call-ID", null);
        }
        String cseqText = h.first("CSeq").orElseThrow();
        Optional<SipMessage.CSeq> cseq = SipMessage.CSeq.parse(cseqText);
        if (cseq.isEmpty()) {
            throw new SipParseException("bad CSeq: " + cseqText, asRequest);
        }
        if (asRequest != null && !cseq.get().method().equals(asRequest.method())) {
            throw new SipParseException("CSeq method " + cseq.get().method() + " differs from request method "
                    + asRequest.method(), asRequest);
        }
        for (String via : h.values("Via")) {
            if (Via.parse(via).isEmpty()) {
                throw new SipParseException("bad Via: " + via, null);
            }
        }
        checkNumber(h, "Max-Forwards", 255, asRequest);
        checkNumber(h, "Expires", MAX_DELTA_SECONDS, asRequest);
        checkNumber(h, "Retry-After", MAX_DELTA_SECONDS, asRequest);
        for (String contact : h.values("Contact")) {
            if (!contact.equals("*") && SipAddress.parse(contact).isEmpty()) {
                throw new SipParseException("bad Contact: " + contact, asRequest);
            }
        }
        if (asRequest != null && asRequest.uri().matches("(?i)sips?:.*") && asRequest.uri().substring(asRequest.uri().lastIndexOf('@') + 1).indexOf('?') >= 0) {
            // RFC 4475 §3.1.2.11: URI headers have no meaning in a Request-URI.
            throw new SipParseException("Request-URI carries URI headers: " + asRequest.uri(), asRequest);
        }
        if (h.first("Content-Type").isEmpty() && !message.body().isEmpty()) {
            // A body without a type cannot be interpreted (RFC 3261 §20.15).
            throw new SipParseException("body without Content-Type", asRequest);
        }
    }

    /** delta-seconds larger than this are treated as malformed (RFC 3261 §25.1 allows 2^32-1). */
    private static final long MAX_DELTA_SECONDS = 0xFFFFFFFFL;

    private static void checkNumber(SipHeaders h, String name, long max, SipMessage.Request request)
            throws SipParseException {
        Optional<String> value = h.first(name);
        if (value.isEmpty()) {
            return;
        }
        String v = value.get();
        int end = v.indexOf(';');
        String digits = (end < 0 ? v : v.substring(0, end)).strip();
        int paren = digits.indexOf('(');
        if (paren >= 0) {
            digits = digits.substring(0, paren).strip();
        }
        if (!digits.matches("[0-9]{1,12}") || Long.parseLong(digits) > max) {
            throw new SipParseException("bad " + name + ": " + v, request);
        }
    }

    private static int indexOf(byte[] data, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
