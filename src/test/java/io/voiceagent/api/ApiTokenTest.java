package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiTokenTest {
    private static final String TOKEN = "tok-3f9a1c77e2";
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.withToken(TOKEN);
    }

    @AfterEach
    void close() {
        api.close();
    }

    private Reply send(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri(path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return api.send(b.GET());
    }

    @Test
    void everyApiRouteNeedsTheBearerToken() {
        for (String path : List.of("/api/calls", "/api/calls/call-1", "/metrics", "/debug/sip", "/debug/proxy",
                "/no/such/route")) {
            for (String header : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer",
                    "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN.substring(1)}) {
                Reply reply = send(path, header);
                assertThat(reply.status()).as("%s with %s", path, header).isEqualTo(401);
                assertThat(reply.error()).isEqualTo("unauthorized");
                assertThat(reply.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            }
        }
    }

    @Test
    void theRightTokenIsAccepted() {
        assertThat(send("/api/calls", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(send("/api/calls", "bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(send("/metrics", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}").status()).isEqualTo(201);
    }

    @Test
    void healthAndTheWebhookNeedNoToken() {
        assertThat(send("/health", null).status()).isEqualTo(200);
        Reply webhook = api.send(HttpRequest.newBuilder(api.uri("/webhooks/exolve/callback"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"call_id\":\"1\",\"type\":\"b\"}")));
        assertThat(webhook.status()).isEqualTo(202);
    }

    @Test
    void theTokenIsCheckedBeforeTheBodyIsLookedAt() {
        Reply reply = api.send(HttpRequest.newBuilder(api.uri("/api/calls/start"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))));
        assertThat(reply.status()).isEqualTo(401);
        assertThat(api.calls.startRequests).isEmpty();
    }
}
