package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Digest against the worked examples of RFC 2617 §3.5 and RFC 7616 §3.9.1, and our challenge handling. */
class DigestAuthTest {

    @Test
    void rfc2617WorkedExample() {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse("Digest realm=\"testrealm@host.com\", "
                + "qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"").orElseThrow();
        assertThat(challenge.algorithm()).isEqualTo("MD5");
        assertThat(challenge.offersAuthQop()).isTrue();
        String response = DigestAuth.response(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1,
                "0a4f113b");
        assertThat(response).isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    static final String RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    static final String RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    static String rfc7616Challenge(String algorithm) {
        return "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=" + algorithm
                + ", nonce=\"" + RFC7616_NONCE + "\", opaque=\"" + RFC7616_OPAQUE + "\"";
    }

    @Test
    void rfc7616Sha256WorkedExample() {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse(rfc7616Challenge("SHA-256")).orElseThrow();
        String response = DigestAuth.response(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                RFC7616_CNONCE);
        assertThat(response).isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    @Test
    void rfc7616Md5WorkedExample() {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse(rfc7616Challenge("MD5")).orElseThrow();
        String response = DigestAuth.response(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                RFC7616_CNONCE);
        assertThat(response).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void md5SessHashesTheNonceAndCnonceIntoHa1() throws Exception {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse(
                "Digest realm=\"sip.exolve.ru\", nonce=\"abc\", qop=\"auth\", algorithm=MD5-sess").orElseThrow();
        String ha1 = md5(md5("u:sip.exolve.ru:p") + ":abc:cn");
        String ha2 = md5("REGISTER:sip:sip.exolve.ru");
        String expected = md5(ha1 + ":abc:00000002:cn:auth:" + ha2);
        assertThat(DigestAuth.response(challenge, "u", "p", "REGISTER", "sip:sip.exolve.ru", 2, "cn"))
                .isEqualTo(expected);
    }

    @Test
    void withoutQopTheRfc2069FormIsUsed() throws Exception {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse("Digest realm=\"r\", nonce=\"n\"").orElseThrow();
        String expected = md5(md5("u:r:p") + ":n:" + md5("INVITE:sip:1@d"));
        assertThat(DigestAuth.response(challenge, "u", "p", "INVITE", "sip:1@d", 1, "ignored")).isEqualTo(expected);
        String header = DigestAuth.authorization(challenge, "u", "p", "INVITE", "sip:1@d", 1, "ignored");
        assertThat(header).doesNotContain("qop").doesNotContain("nc=").doesNotContain("cnonce");
    }

    @Test
    void authorizationHeaderCarriesEveryField() {
        DigestAuth.Challenge challenge = DigestAuth.Challenge.parse(rfc7616Challenge("SHA-256")).orElseThrow();
        String header = DigestAuth.authorization(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                RFC7616_CNONCE);
        assertThat(header).startsWith("Digest ")
                .contains("username=\"Mufasa\"", "realm=\"http-auth@example.org\"", "uri=\"/dir/index.html\"",
                        "algorithm=SHA-256", "qop=auth", "nc=00000001", "cnonce=\"" + RFC7616_CNONCE + "\"",
                        "opaque=\"" + RFC7616_OPAQUE + "\"",
                        "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"");
    }

    @Test
    void strongestOfferedAlgorithmIsChosen() {
        Optional<DigestAuth.Challenge> chosen = DigestAuth.Challenge.strongest(List.of(
                rfc7616Challenge("MD5"), rfc7616Challenge("SHA-256"), "Basic realm=\"x\""));
        assertThat(chosen).hasValueSatisfying(c -> assertThat(c.algorithm()).isEqualTo("SHA-256"));
        assertThat(DigestAuth.Challenge.parse("Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256")).isEmpty();
    }

    @Test
    void secondChallengeAfterAnsweringIsARejectionButStaleIsNot() {
        DigestCredentials credentials = new DigestCredentials("u", Secret.of("p"), new SplittableRandom(1));
        assertThat(credentials.onChallenge(challenge401(false))).isEqualTo(DigestCredentials.Outcome.RETRY);
        SipMessage.Request first = credentials.authorize(register());
        assertThat(first.header("Authorization")).hasValueSatisfying(v -> assertThat(v).contains("nc=00000001"));
        assertThat(credentials.onChallenge(challenge401(true))).isEqualTo(DigestCredentials.Outcome.RETRY);
        credentials.authorize(register());
        assertThat(credentials.onChallenge(challenge401(false))).isEqualTo(DigestCredentials.Outcome.REJECTED);
    }

    @Test
    void afterSuccessANewNonceIsNotARejectionAndNcCounts() {
        DigestCredentials credentials = new DigestCredentials("u", Secret.of("p"), new SplittableRandom(1));
        credentials.onChallenge(challenge401(false));
        credentials.authorize(register());
        credentials.onSuccess();
        assertThat(credentials.authorize(register()).header("Authorization"))
                .hasValueSatisfying(v -> assertThat(v).contains("nc=00000002"));
        assertThat(credentials.onChallenge(challenge401(false))).isEqualTo(DigestCredentials.Outcome.RETRY);
    }

    @Test
    void proxyChallengeIsAnsweredWithProxyAuthorization() {
        DigestCredentials credentials = new DigestCredentials("u", Secret.of("p"), new SplittableRandom(1));
        SipMessage.Response challenge = new SipMessage.Response(407, "Proxy Authentication Required",
                SipHeaders.empty().with("Proxy-Authenticate", "Digest realm=\"sip.exolve.ru\", nonce=\"x\""), "");
        assertThat(credentials.onChallenge(challenge)).isEqualTo(DigestCredentials.Outcome.RETRY);
        SipMessage.Request authorized = credentials.authorize(register());
        assertThat(authorized.header("Proxy-Authorization")).isPresent();
        assertThat(authorized.header("Authorization")).isEmpty();
    }

    private static SipMessage.Response challenge401(boolean stale) {
        return new SipMessage.Response(401, "Unauthorized", SipHeaders.empty().with("WWW-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n" + stale + "\", qop=\"auth\"" + (stale ? ", stale=true" : "")),
                "");
    }

    private static SipMessage.Request register() {
        return new SipMessage.Request("REGISTER", "sip:sip.exolve.ru", SipHeaders.empty(), "");
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
