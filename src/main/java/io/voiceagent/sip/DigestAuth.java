package io.voiceagent.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP Digest as SIP uses it (RFC 3261 §22.4, RFC 2617, RFC 7616, RFC 8760): the challenge in a 401
 * WWW-Authenticate or 407 Proxy-Authenticate, and the credentials that answer it. MD5, MD5-sess,
 * SHA-256 and SHA-256-sess; qop=auth with nc and cnonce; opaque echoed.
 */
public final class DigestAuth {

    private DigestAuth() {
    }

    /** One Digest challenge. {@code qop} lists what the server offers; empty means RFC 2069 style. */
    public record Challenge(String realm, String nonce, Optional<String> opaque, String algorithm,
                            List<String> qop, boolean stale) {
        public Challenge {
            Objects.requireNonNull(realm, "realm");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(opaque, "opaque");
            Objects.requireNonNull(algorithm, "algorithm");
            qop = List.copyOf(qop);
        }

        public boolean offersAuthQop() {
            return qop.stream().anyMatch(q -> q.equalsIgnoreCase("auth"));
        }

        /** Parses {@code Digest realm="...", nonce="...", ...}; empty when not a Digest challenge we can answer. */
        public static Optional<Challenge> parse(String headerValue) {
            String v = headerValue.strip();
            int space = v.indexOf(' ');
            if (space < 0 || !v.substring(0, space).equalsIgnoreCase("Digest")) {
                return Optional.empty();
            }
            Map<String, String> params = parseParams(v.substring(space + 1));
            String realm = params.get("realm");
            String nonce = params.get("nonce");
            if (realm == null || nonce == null) {
                return Optional.empty();
            }
            String algorithm = params.getOrDefault("algorithm", "MD5");
            if (hashName(algorithm).isEmpty()) {
                return Optional.empty();
            }
            List<String> qop = params.containsKey("qop")
                    ? Arrays.stream(params.get("qop").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                    : List.of();
            return Optional.of(new Challenge(realm, nonce, Optional.ofNullable(params.get("opaque")), algorithm, qop,
                    "true".equalsIgnoreCase(params.get("stale"))));
        }

        /** The challenge we prefer among several (RFC 8760 §2.4: the strongest algorithm we support). */
        public static Optional<Challenge> strongest(List<String> headerValues) {
            return headerValues.stream().map(Challenge::parse).flatMap(Optional::stream)
                    .max((a, b) -> Integer.compare(strength(a.algorithm), strength(b.algorithm)));
        }

        private static int strength(String algorithm) {
            return algorithm.toUpperCase(Locale.ROOT).startsWith("SHA-256") ? 2 : 1;
        }
    }

    /**
     * The Authorization (or Proxy-Authorization) value answering {@code challenge}.
     *
     * @param nonceCount how many requests this nonce has now signed, starting at 1
     * @param cnonce     a fresh client nonce; ignored when the challenge offers no qop
     */
    public static String authorization(Challenge challenge, String username, String password, String method,
                                       String uri, int nonceCount, String cnonce) {
        String response = response(challenge, username, password, method, uri, nonceCount, cnonce);
        StringBuilder sb = new StringBuilder("Digest ");
        sb.append("username=\"").append(quote(username)).append("\"");
        sb.append(", realm=\"").append(quote(challenge.realm())).append("\"");
        sb.append(", nonce=\"").append(quote(challenge.nonce())).append("\"");
        sb.append(", uri=\"").append(quote(uri)).append("\"");
        sb.append(", response=\"").append(response).append("\"");
        sb.append(", algorithm=").append(challenge.algorithm());
        if (challenge.offersAuthQop()) {
            sb.append(", cnonce=\"").append(quote(cnonce)).append("\"");
            sb.append(", qop=auth");
            sb.append(", nc=").append(nc(nonceCount));
        }
        challenge.opaque().ifPresent(o -> sb.append(", opaque=\"").append(quote(o)).append("\""));
        return sb.toString();
    }

    /** The request-digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1) as lowercase hex. */
    public static String response(Challenge challenge, String username, String password, String method,
                                  String uri, int nonceCount, String cnonce) {
        String hash = hashName(challenge.algorithm()).orElseThrow(
                () -> new IllegalArgumentException("unsupported digest algorithm " + challenge.algorithm()));
        String ha1 = hex(hash, username + ":" + challenge.realm() + ":" + password);
        if (challenge.algorithm().toLowerCase(Locale.ROOT).endsWith("-sess")) {
            ha1 = hex(hash, ha1 + ":" + challenge.nonce() + ":" + cnonce);
        }
        String ha2 = hex(hash, method + ":" + uri);
        if (challenge.offersAuthQop()) {
            return hex(hash, ha1 + ":" + challenge.nonce() + ":" + nc(nonceCount) + ":" + cnonce + ":auth:" + ha2);
        }
        return hex(hash, ha1 + ":" + challenge.nonce() + ":" + ha2);
    }

    private static String nc(int nonceCount) {
        return String.format(Locale.ROOT, "%08x", nonceCount);
    }

    private static Optional<String> hashName(String algorithm) {
        return switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "MD5", "MD5-SESS" -> Optional.of("MD5");
            case "SHA-256", "SHA-256-SESS" -> Optional.of("SHA-256");
            default -> Optional.empty();
        };
    }

    private static String hex(String hash, String input) {
        try {
            MessageDigest md = MessageDigest.getInstance(hash);
            return HexFormat.of().formatHex(md.digest(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + hash, e);
        }
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Digest parameters are comma-separated (unlike SIP's semicolons); values may be quoted. */
    private static Map<String, String> parseParams(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String part : SipHeaders.splitList(text)) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        HeaderParams.unquote(part.substring(eq + 1)));
            }
        }
        return out;
    }
}
