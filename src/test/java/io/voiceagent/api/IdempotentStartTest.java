package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import io.voiceagent.call.CallJournal;
import java.net.http.HttpRequest;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on starts, the journal's 503, and the per-call size caps. */
class IdempotentStartTest {
    private static final String BODY = "{\"phone_number\":\"+79990001122\",\"metadata\":{\"crm\":\"42\"}}";
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.open();
    }

    @AfterEach
    void close() {
        api.close();
    }

    private Reply start(String key, String body) {
        return api.send(api.request("/api/calls/start").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void theSameKeyAnswersTheFirstCallWith200AndDialsOnce() {
        Reply first = start("3f2a-retry-1", BODY);
        Reply retried = start("3f2a-retry-1", BODY);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(retried.header("Location")).contains("/api/calls/" + first.json().get("id"));
        assertThat(api.calls.startRequests).hasSize(1);
        assertThat(start("3f2a-retry-2", BODY).status()).isEqualTo(201);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        start("k", BODY);

        Reply reused = start("k", "{\"phone_number\":\"+79990001123\"}");

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.error()).isEqualTo("idempotency_key_reused");
        assertThat(api.calls.startRequests).hasSize(1);
    }

    @Test
    void aKeyMustBeOneTo128VisibleAsciiCharacters() {
        for (String bad : new String[] {"has space", "x".repeat(129), ""}) {
            Reply reply = start(bad, BODY);
            assertThat(reply.status()).as("key '%s'", bad).isEqualTo(400);
            assertThat(reply.message()).contains("Idempotency-Key");
        }
        assertThat(start("x".repeat(128), BODY).status()).isEqualTo(201);
        assertThat(api.calls.startRequests).hasSize(1);
    }

    @Test
    void whileTheJournalFailsStartsAre503AndHealthSaysWhy() {
        api.calls.journalStatus(new CallJournal.Status(CallJournal.State.FAILING,
                Optional.of("No space left on device"), 3, 2));

        Reply refused = api.post("/api/calls/start", BODY);
        Reply health = api.get("/health");

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.error()).isEqualTo("storage_unavailable");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json()).containsEntry("journal", "failing")
                .containsEntry("journal_error", "No space left on device")
                .containsEntry("journal_quarantined_lines", 2);
    }

    @Test
    void metadataAndDynamicVariablesAreCappedAt16KiBEach() {
        String big = "x".repeat(16 * 1024);
        Reply metadata = api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\",\"metadata\":{\"a\":\""
                + big + "\"}}");
        Reply variables = api.post("/api/calls/start",
                "{\"phone_number\":\"+79990001122\",\"dynamic_variables\":{\"a\":\"" + big + "\"}}");

        assertThat(metadata.status()).isEqualTo(413);
        assertThat(metadata.error()).isEqualTo("payload_too_large");
        assertThat(metadata.message()).startsWith("metadata: ").contains("16 KiB");
        assertThat(variables.status()).isEqualTo(413);
        assertThat(variables.message()).startsWith("dynamic_variables: ");
        assertThat(api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\",\"metadata\":{\"a\":\""
                + "x".repeat(16_000) + "\"}}").status()).isEqualTo(201);
    }
}
