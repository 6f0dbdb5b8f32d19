package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service, wired by {@link Module} exactly as in production, placing calls through the
 * built-in demo network: SIP registration with Digest, INVITE, RTP both ways, the agent over a
 * WebSocket, all over real loopback sockets.
 */
@Tag("slow")
class DemoCallEndToEndTest {
    @TempDir
    static Path dataDir;

    private static Module module;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startService() throws Exception {
        Config config = ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.of(
                "MAX_CONCURRENT_CALLS", "20",
                "CALL_RING_TIMEOUT_S", "5")));
        module = Module.start(config);
    }

    @AfterAll
    static void stopService() {
        if (module != null) {
            module.close();
        }
    }

    static Map<String, Object> post(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.std.mapFrom(response.body());
    }

    static Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.std.mapFrom(response.body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + module.httpPort() + path);
    }

    static Map<String, Object> awaitStatus(String id, List<String> statuses, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (!statuses.contains((String) call.get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            call = get("/api/calls/" + id);
        }
        return call;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDemoCallRingsAnswersConversesAndEndsWithATranscript() throws Exception {
        Map<String, Object> started = post("/api/calls/start",
                "{\"phone_number\":\"+7 999 000-11-22\",\"metadata\":{\"campaign\":\"e2e\"}}");
        assertThat(started.get("status")).isEqualTo("dialing");
        assertThat(started.get("phone_number")).isEqualTo("79990001122");

        Map<String, Object> ended = awaitStatus((String) started.get("id"), List.of("completed", "failed"),
                Duration.ofSeconds(40));

        assertThat(ended.get("status")).as(ended.toString()).isEqualTo("completed");
        assertThat(ended.get("hangup_by")).isEqualTo("agent");
        // The demo agent ends calls as ElevenLabs does: the end_call system tool, then a close with 1000.
        assertThat(ended.get("hangup_cause")).isEqualTo("agent_end_call");
        assertThat((List<Map<String, Object>>) ended.get("events")).anySatisfy(event -> assertThat(event)
                .containsEntry("source", "ai").containsEntry("close_code", 1000));
        assertThat(ended.get("conversation_opened")).isEqualTo(true);
        assertThat(ended.get("conversation_id")).asString().startsWith("conv_");
        assertThat(ended.get("ringing_at")).isNotNull();
        assertThat(ended.get("answered_at")).isNotNull();
        List<Map<String, Object>> transcript = (List<Map<String, Object>>) ended.get("transcript");
        assertThat(transcript).extracting(line -> line.get("role")).containsExactly("agent", "user", "agent");
        assertThat((String) transcript.get(0).get("text")).contains("voiceagent demo");
        Map<String, Object> media = (Map<String, Object>) ended.get("media");
        assertThat(((Number) media.get("rtp_packets_in")).longValue()).isGreaterThan(100);
        assertThat(((Number) media.get("rtp_packets_out")).longValue()).isGreaterThan(100);
        assertThat(((Number) media.get("rtp_lost")).longValue()).isZero();
        assertThat(((Number) media.get("ai_audio_sent_ms")).longValue()).isGreaterThan(1_000);
        assertThat(((Number) media.get("ai_audio_received_ms")).longValue()).isGreaterThan(1_000);
        assertThat((Map<String, Object>) ended.get("metadata")).containsEntry("campaign", "e2e");
    }

    @Test
    void busyAndInvalidNumbersEndWithTheirOutcome() throws Exception {
        String busy = (String) post("/api/calls/start", "{\"phone_number\":\"+79990000001\"}").get("id");
        String invalid = (String) post("/api/calls/start", "{\"phone_number\":\"+79990000004\"}").get("id");

        Map<String, Object> busyCall = awaitStatus(busy, List.of("busy", "failed", "completed"), Duration.ofSeconds(20));
        Map<String, Object> invalidCall = awaitStatus(invalid, List.of("busy", "failed", "completed"),
                Duration.ofSeconds(20));

        assertThat(busyCall.get("status")).isEqualTo("busy");
        assertThat(busyCall.get("sip_code")).isEqualTo(486);
        assertThat(invalidCall.get("status")).isEqualTo("failed");
        assertThat(invalidCall.get("hangup_cause")).isEqualTo("invalid_number");
        assertThat(invalidCall.get("sip_code")).isEqualTo(404);
    }

    @Test
    void aPhoneThatNeverAnswersIsCanceledAfterTheRingTimeout() throws Exception {
        String id = (String) post("/api/calls/start", "{\"phone_number\":\"+79990000002\"}").get("id");

        Map<String, Object> call = awaitStatus(id, List.of("no_answer", "failed", "completed"), Duration.ofSeconds(20));

        assertThat(call.get("status")).isEqualTo("no_answer");
        assertThat(call.get("hangup_cause")).isEqualTo("no_answer");
        assertThat(call.get("hangup_by")).as("we gave up on the ringing phone").isEqualTo("us");
        assertThat(call.get("answered_at")).isNull();
        assertThat(call.get("ringing_at")).isNotNull();
    }

    @Test
    void aHangupThroughTheApiEndsAnAnsweredCall() throws Exception {
        String id = (String) post("/api/calls/start", "{\"phone_number\":\"+79990005555\"}").get("id");
        assertThat(awaitStatus(id, List.of("answered"), Duration.ofSeconds(20)).get("status")).isEqualTo("answered");

        Map<String, Object> hungUp = post("/api/calls/hangup", "{\"call_id\":\"" + id + "\"}");

        assertThat(hungUp.get("status")).isEqualTo("completed");
        assertThat(hungUp.get("hangup_by")).isEqualTo("us");
        assertThat(hungUp.get("hangup_cause")).isEqualTo("local_hangup");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDemoCallIsTransferredToTheNumberThatTakesTransfers() throws Exception {
        String id = (String) post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}").get("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> call = get("/api/calls/" + id);
        while (!(call.get("status").equals("answered") && call.get("conversation_id") != null)) {
            assertThat(System.nanoTime()).as("answered with its agent in time: " + call).isLessThan(deadline);
            Thread.sleep(50);
            call = get("/api/calls/" + id);
        }

        Map<String, Object> started = post("/api/calls/" + id + "/transfer", "{\"to\":\"+7 999 000-00-05\"}");
        assertThat((Map<String, Object>) started.get("transfer")).containsEntry("target", "79990000005")
                .containsEntry("requested_by", "api");
        while (!"answered".equals(((Map<String, Object>) get("/api/calls/" + id).get("transfer")).get("outcome"))) {
            assertThat(System.nanoTime()).as("the person answers in time").isLessThan(deadline);
            Thread.sleep(50);
        }
        Map<String, Object> ended = post("/api/calls/hangup", "{\"call_id\":\"" + id + "\"}");

        assertThat(ended.get("status")).isEqualTo("completed");
        assertThat(ended.get("hangup_cause")).isEqualTo("transferred");
        assertThat((Map<String, Object>) ended.get("transfer")).containsEntry("mode", "bridge")
                .containsEntry("outcome", "answered").containsKey("person_seconds");
    }

    @Test
    void theFarEndHangingUpMidCallIsARemoteHangup() throws Exception {
        String id = (String) post("/api/calls/start", "{\"phone_number\":\"+79990000003\"}").get("id");

        Map<String, Object> call = awaitStatus(id, List.of("completed", "failed"), Duration.ofSeconds(20));

        assertThat(call.get("status")).isEqualTo("completed");
        assertThat(call.get("hangup_cause")).isEqualTo("remote_hangup");
        assertThat(call.get("hangup_by")).isEqualTo("remote");
    }
}
