package io.voiceagent.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** A SIP request or response (RFC 3261 §7) as a value; {@link #encode()} writes it for UDP. */
public sealed interface SipMessage {

    SipHeaders headers();

    /** The body as text (SDP, dtmf-relay); empty when none. */
    String body();

    String startLine();

    default Optional<String> header(String name) {
        return headers().first(name);
    }

    default String callId() {
        return header("Call-ID").orElse("");
    }

    /** The CSeq header, or a zero CSeq when absent or malformed (the parser rejects such messages). */
    default CSeq cseq() {
        return header("CSeq").flatMap(CSeq::parse).orElse(new CSeq(0, ""));
    }

    default Optional<Via> topVia() {
        return headers().values("Via").stream().findFirst().flatMap(Via::parse);
    }

    /** The wire form; Content-Length is always written from the body's UTF-8 length. */
    default byte[] encode() {
        byte[] bodyBytes = body().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(512 + bodyBytes.length);
        sb.append(startLine()).append("\r\n");
        for (SipHeaders.Field f : headers().without("Content-Length").fields()) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + bodyBytes.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(bodyBytes, 0, out, head.length, bodyBytes.length);
        return out;
    }

    record Request(String method, String uri, SipHeaders headers, String body) implements SipMessage {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public String startLine() {
            return method + " " + uri + " SIP/2.0";
        }

        public Request withHeaders(SipHeaders newHeaders) {
            return new Request(method, uri, newHeaders, body);
        }

        public Request with(String name, String value) {
            return new Request(method, uri, headers.with(name, value), body);
        }

        /** A response to this request with its Via, From, To, Call-ID and CSeq copied (RFC 3261 §8.2.6.2). */
        public Response createResponse(int status, String reason) {
            SipHeaders h = SipHeaders.empty();
            for (String via : headers.lines("Via")) {
                h = h.with("Via", via);
            }
            h = h.with("From", headers.first("From").orElse(""))
                    .with("To", headers.first("To").orElse(""))
                    .with("Call-ID", callId())
                    .with("CSeq", headers.first("CSeq").orElse(""));
            return new Response(status, reason, h, "");
        }

        @Override
        public String toString() {
            return startLine() + " (" + callId() + ")";
        }
    }

    record Response(int status, String reason, SipHeaders headers, String body) implements SipMessage {
        public Response {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(body, "body");
        }

        @Override
        public String startLine() {
            return "SIP/2.0 " + status + " " + reason;
        }

        public Response with(String name, String value) {
            return new Response(status, reason, headers.with(name, value), body);
        }

        public Response replacing(String name, String value) {
            return new Response(status, reason, headers.replacing(name, value), body);
        }

        public Response withBody(String contentType, String newBody) {
            return new Response(status, reason, headers.replacing("Content-Type", contentType), newBody);
        }

        public boolean isProvisional() {
            return status < 200;
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return startLine() + " (" + cseq() + ", " + callId() + ")";
        }
    }

    /** The CSeq header: sequence number and method. */
    record CSeq(long number, String method) {
        static Optional<CSeq> parse(String value) {
            String[] parts = value.strip().split("[ \t]+");
            if (parts.length != 2) {
                return Optional.empty();
            }
            try {
                long n = Long.parseLong(parts[0]);
                if (n < 0 || n >= (1L << 31)) {
                    return Optional.empty();
                }
                return Optional.of(new CSeq(n, parts[1]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return number + " " + method;
        }

        public String methodUpper() {
            return method.toUpperCase(Locale.ROOT);
        }
    }
}
