package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DigestAuthTest {

    private final AtomicLong now = new AtomicLong();
    private final DigestAuth auth = new DigestAuth("demo.voiceagent.local", "alice", "s3cret",
            new SplittableRandom(7), now::get);

    @Test
    void computesTheRfc2617WorkedExample() {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life", GET /dir/index.html, qop=auth.
        assertThat(DigestAuth.response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b"))
                .isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    @Test
    void challengeOffersMd5WithQopAuthAndAnOpaque() {
        Map<String, String> challenge = DigestAuth.parseParams(auth.challenge(false).substring("Digest ".length()));

        assertThat(challenge).containsEntry("realm", "demo.voiceagent.local").containsEntry("qop", "auth")
                .containsEntry("algorithm", "MD5").containsKeys("nonce", "opaque").doesNotContainKey("stale");
        assertThat(auth.challenge(true)).endsWith("stale=true");
    }

    @Test
    void acceptsTheRightPasswordOnlyForTheMethodItWasComputedFor() {
        String challenge = auth.challenge(false);

        assertThat(auth.verify(TestUa.authorization(challenge, "alice", "s3cret", "REGISTER", "sip:demo.voiceagent.local"),
                "REGISTER")).isEqualTo(DigestAuth.Verdict.OK);
        assertThat(auth.verify(TestUa.authorization(challenge, "alice", "s3cret", "REGISTER", "sip:demo.voiceagent.local"),
                "INVITE")).isEqualTo(DigestAuth.Verdict.WRONG);
        assertThat(auth.verify(TestUa.authorization(challenge, "alice", "wrong", "REGISTER", "sip:demo.voiceagent.local"),
                "REGISTER")).isEqualTo(DigestAuth.Verdict.WRONG);
        assertThat(auth.verify(TestUa.authorization(challenge, "bob", "s3cret", "REGISTER", "sip:demo.voiceagent.local"),
                "REGISTER")).isEqualTo(DigestAuth.Verdict.WRONG);
        assertThat(auth.verify("Basic YWxpY2U6czNjcmV0", "REGISTER")).isEqualTo(DigestAuth.Verdict.WRONG);
    }

    @Test
    void aRightAnswerToAnExpiredOrUnknownNonceIsStale() {
        String challenge = auth.challenge(false);
        now.addAndGet(TimeUnit.MINUTES.toNanos(11));

        assertThat(auth.verify(TestUa.authorization(challenge, "alice", "s3cret", "REGISTER", "sip:x"), "REGISTER"))
                .isEqualTo(DigestAuth.Verdict.STALE);
        String forged = challenge.replaceAll("nonce=\"[0-9a-f]+\"", "nonce=\"00112233\"");
        assertThat(auth.verify(TestUa.authorization(forged, "alice", "s3cret", "REGISTER", "sip:x"), "REGISTER"))
                .isEqualTo(DigestAuth.Verdict.STALE);
    }
}
