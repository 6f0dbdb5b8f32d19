package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpErrorResponsesTest {
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.open();
    }

    @AfterEach
    void close() {
        api.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/api/call", "/api/calls/x/y/z", "/healthz", "/debug", "/webhooks/exolve"})
    void unknownPathsAreJson404(String path) {
        Reply reply = api.get(path);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("not_found");
        assertThat(reply.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        Reply getStart = api.get("/api/calls/start");
        assertThat(getStart.status()).isEqualTo(405);
        assertThat(getStart.error()).isEqualTo("method_not_allowed");
        assertThat(getStart.header("Allow")).contains("POST");

        Reply postList = api.post("/api/calls", "{}");
        assertThat(postList.status()).isEqualTo(405);
        assertThat(postList.header("Allow")).contains("GET");

        Reply delete = api.send(api.request("/api/calls/call-1").DELETE());
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.header("Allow")).contains("GET");

        Reply putHealth = api.send(api.request("/health").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(putHealth.status()).isEqualTo(405);
        assertThat(putHealth.header("Allow")).contains("GET");

        assertThat(api.get("/webhooks/exolve/callback").header("Allow")).contains("POST");
    }

    @Test
    void bodiesOver64KiBAre413() {
        String big = "{\"phone_number\":\"+79990001122\",\"metadata\":{\"x\":\"" + "a".repeat(70 * 1024) + "\"}}";
        Reply declared = api.post("/api/calls/start", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).isEqualTo("payload_too_large");

        Reply chunked = api.send(api.request("/api/calls/start").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(api.calls.startRequests).isEmpty();
    }

    @Test
    void refusedBodiesAreReadToTheEndSoTheClientAlwaysGetsTheAnswer() {
        String big = "{\"pad\":\"" + "a".repeat(500 * 1024) + "\"}";
        for (int i = 0; i < 20; i++) {
            Reply declared = api.post("/api/calls/start", big);
            assertThat(declared.status()).as("attempt %d", i).isEqualTo(413);
            Reply chunked = api.send(api.request("/api/calls/start").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
            assertThat(chunked.status()).as("attempt %d", i).isEqualTo(413);
            Reply wrongMethod = api.send(api.request("/api/calls").header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(big)));
            assertThat(wrongMethod.status()).as("attempt %d", i).isEqualTo(405);
        }
    }

    @Test
    void aBodyOfExactly64KiBIsRead() {
        // Spread over the fields, each within its own cap (metadata 16 KiB, prompt 20,000 characters, ...).
        String prefix = "{\"phone_number\":\"+79990001122\",\"metadata\":{\"x\":\"" + "m".repeat(15_000)
                + "\"},\"dynamic_variables\":{\"y\":\"" + "v".repeat(15_000) + "\"},\"prompt\":\"" + "p".repeat(19_000)
                + "\",\"first_message\":\"";
        String suffix = "\"}";
        String exact = prefix + "a".repeat(HttpApi.MAX_BODY_BYTES - prefix.length() - suffix.length()) + suffix;
        assertThat(api.post("/api/calls/start", exact).status()).isEqualTo(201);
    }

    @Test
    void nonJsonContentTypesAre415() {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            Reply reply = api.send(api.request("/api/calls/start").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+79990001122\"}")));
            assertThat(reply.status()).as(type).isEqualTo(415);
            assertThat(reply.error()).isEqualTo("unsupported_media_type");
        }
        assertThat(api.calls.startRequests).isEmpty();
    }

    @Test
    void jsonContentTypesWithParametersOrSuffixesAreAccepted() {
        for (String type : List.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json")) {
            Reply reply = api.send(api.request("/api/calls/start").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+79990001122\"}")));
            assertThat(reply.status()).as(type).isEqualTo(201);
        }
    }

    @Test
    void aPostWithoutBodyNeedsNoContentType() {
        Reply reply = api.postEmpty("/api/calls/start");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).contains("JSON object body is required");
    }

    @Test
    void unexpectedFailuresAreAGeneric500WithoutDetails() {
        api.calls.failure.set(new IllegalStateException("journal disk /secret/path is full"));
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.error()).isEqualTo("internal_error");
        assertThat(reply.body()).doesNotContain("journal").doesNotContain("IllegalState").doesNotContain("at io.");
    }

    @Test
    void malformedJsonMessagesSayWhereButShowNoInternals() {
        Reply reply = api.post("/api/calls/start", "{\"phone_number\": }");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).startsWith("malformed JSON: ").contains("line 1, column")
                .doesNotContain("Source:").doesNotContain("com.fasterxml");
    }

    @Test
    void everyResponseForbidsCachingAndSniffing() {
        Reply reply = api.get("/health");
        assertThat(reply.header("Cache-Control")).contains("no-store");
        assertThat(reply.header("X-Content-Type-Options")).contains("nosniff");
    }
}
