package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever credentials a client presents, right or wrong, no response and no log line carries a
 * configured secret (client-supplied ids and fields may be echoed back: they are the client's own).
 */
class SecretsNeverLeakTest {
    private static final String TOKEN = "api-token-51b7f0d2";
    private static final String WEBHOOK_SECRET = "webhook-secret-9e4a6c";
    private static final String PROXY_PASSWORD = "proxy-pass-value";
    private final Logger apiLogger = Logger.getLogger("io.voiceagent.api");
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logLines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        previousLevel = apiLogger.getLevel();
        apiLogger.setLevel(Level.ALL);
        apiLogger.addHandler(capture);
        api = ApiHarness.withSecrets(TOKEN, WEBHOOK_SECRET);
    }

    @AfterEach
    void close() {
        api.close();
        apiLogger.removeHandler(capture);
        apiLogger.setLevel(previousLevel);
    }

    @Test
    void noSecretInAnyResponseOrLogLine() {
        List<Reply> replies = new ArrayList<>();
        replies.add(api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}"));
        api.calls.answer("call-1");
        for (String auth : new String[] {"Bearer " + TOKEN, "Bearer " + TOKEN + "0", "Bearer nope"}) {
            for (String path : List.of("/api/calls", "/api/calls/call-1", "/api/calls/unknown", "/metrics",
                    "/health", "/debug/sip", "/debug/proxy", "/debug/calls/call-1/media", "/nowhere?key=" + TOKEN)) {
                replies.add(api.send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", auth).GET()));
            }
            for (String path : List.of("/api/calls/start", "/api/calls/hangup", "/api/calls/call-1/dtmf",
                    "/debug/ai/check", "/debug/exolve/check", "/debug/sip/register")) {
                for (String body : List.of("{\"phone_number\":\"+79990001123\"}", "{\"call_id\":\"call-1\"}",
                        "{\"digits\":\"12\"}", "{\"phone_number\":\"x\"}", "{")) {
                    replies.add(api.send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", auth)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))));
                }
            }
        }
        for (String query : List.of("", "?key=" + WEBHOOK_SECRET, "?key=" + WEBHOOK_SECRET + "x")) {
            for (String body : List.of("{\"call_id\":\"1\",\"type\":\"b\"}", "{\"type\":")) {
                replies.add(api.send(HttpRequest.newBuilder(api.uri("/webhooks/exolve/callback" + query))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))));
            }
        }

        assertThat(replies).extracting(Reply::status).contains(200, 201, 202, 400, 401, 404);
        for (Reply reply : replies) {
            String everything = reply.body() + reply.headers();
            assertThat(everything).doesNotContain(TOKEN).doesNotContain(WEBHOOK_SECRET).doesNotContain(PROXY_PASSWORD);
        }
        assertThat(logLines).isNotEmpty();
        assertThat(String.join("\n", logLines))
                .doesNotContain(TOKEN).doesNotContain(WEBHOOK_SECRET).doesNotContain(PROXY_PASSWORD);
    }
}
