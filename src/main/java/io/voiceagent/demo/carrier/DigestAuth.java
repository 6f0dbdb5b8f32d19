package io.voiceagent.demo.carrier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The carrier's side of HTTP Digest (RFC 2617, as SIP uses it in RFC 3261 §22): issues challenges
 * with MD5 and {@code qop="auth"}, and checks the credentials that come back.
 */
final class DigestAuth {

    /** What a credential check concluded. STALE: right password, but a nonce we no longer know. */
    enum Verdict { OK, STALE, WRONG }

    private static final long NONCE_LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final String realm;
    private final String username;
    private final String password;
    private final String opaque;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;
    private final Map<String, Long> nonceIssuedAt = new ConcurrentHashMap<>();

    DigestAuth(String realm, String username, String password, RandomGenerator random, LongSupplier nanoTime) {
        this.realm = Objects.requireNonNull(realm, "realm");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.random = Objects.requireNonNull(random, "random");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.opaque = randomHex(8);
    }

    /** A fresh challenge: the value of WWW-Authenticate (401) or Proxy-Authenticate (407). */
    String challenge(boolean stale) {
        long now = nanoTime.getAsLong();
        nonceIssuedAt.values().removeIf(issued -> now - issued > NONCE_LIFETIME_NANOS);
        String nonce = randomHex(16);
        nonceIssuedAt.put(nonce, now);
        return "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", opaque=\"" + opaque
                + "\", algorithm=MD5, qop=\"auth\"" + (stale ? ", stale=true" : "");
    }

    /** Checks an Authorization / Proxy-Authorization value for a request with that method. */
    Verdict verify(String credentials, String method) {
        if (credentials == null || !credentials.regionMatches(true, 0, "Digest ", 0, 7)) {
            return Verdict.WRONG;
        }
        Map<String, String> p = parseParams(credentials.substring(7));
        if (!username.equals(p.get("username")) || !realm.equals(p.get("realm"))
                || !"MD5".equalsIgnoreCase(p.getOrDefault("algorithm", "MD5"))) {
            return Verdict.WRONG;
        }
        String nonce = p.getOrDefault("nonce", "");
        String expected = response(username, realm, password, method, p.getOrDefault("uri", ""), nonce,
                p.get("qop"), p.get("nc"), p.get("cnonce"));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                p.getOrDefault("response", "").toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.WRONG;
        }
        Long issued = nonceIssuedAt.get(nonce);
        boolean known = issued != null && nanoTime.getAsLong() - issued <= NONCE_LIFETIME_NANOS
                && opaque.equals(p.get("opaque"));
        return known ? Verdict.OK : Verdict.STALE;
    }

    /**
     * request-digest of RFC 2617 §3.2.2.1: with {@code qop=auth} it covers nc and cnonce, without qop
     * it is the RFC 2069 form.
     */
    static String response(String username, String realm, String password, String method, String uri,
                           String nonce, String qop, String nc, String cnonce) {
        String ha1 = md5(username + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        if (qop == null || qop.isEmpty()) {
            return md5(ha1 + ":" + nonce + ":" + ha2);
        }
        return md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** Parameters of a Digest challenge or credentials: {@code name=value} or {@code name="value"}, comma-separated. */
    static Map<String, String> parseParams(String list) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : SipMessage.splitOutsideQuotes(list)) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                params.put(part.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                        SipMessage.unquote(part.substring(eq + 1).strip()));
            }
        }
        return params;
    }

    static String md5(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides MD5", e);
        }
    }

    private String randomHex(int bytes) {
        byte[] out = new byte[bytes];
        random.nextBytes(out);
        return HexFormat.of().formatHex(out);
    }
}
