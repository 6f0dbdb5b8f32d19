package io.voiceagent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final byte[] SECRET = "whsec_0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"type\":\"call.ended\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void the_header_is_the_hmac_of_timestamp_dot_body() {
        // printf '1764583200.{"type":"call.ended"}' | openssl dgst -sha256 -hmac whsec_0123456789abcdef
        assertThat(WebhookSignature.header(SECRET, 1764583200L, BODY)).isEqualTo(
                "t=1764583200,v1=966ddab596d0f2b7f98eafe36dff21363e1e219e016a39274bec51c517ba94b4");
    }

    @Test
    void verify_accepts_the_signature_within_the_tolerance_only() {
        String header = WebhookSignature.header(SECRET, 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, 1200, 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, 1301, 300)).as("replayed too late").isFalse();
    }

    @Test
    void verify_refuses_another_body_secret_or_a_garbled_header() {
        String header = WebhookSignature.header(SECRET, 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, "{}".getBytes(StandardCharsets.UTF_8), 1000, 300)).isFalse();
        assertThat(WebhookSignature.verify("another-secret-0000".getBytes(StandardCharsets.UTF_8), header, BODY,
                1000, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header.replace("t=1000", "t=1001"), BODY, 1000, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "v1=abc", BODY, 1000, 300)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=x,v1=abc", BODY, 1000, 300)).isFalse();
    }
}
