package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process killed (SIGKILL) in the middle of a campaign on the demo network, then started again on
 * the same DATA_DIR: the campaign resumes and completes, the calls live at the kill count as failed
 * attempts (service_restart), and no attempt was ever placed twice (each idempotency key names one call in
 * the call journal).
 */
@Tag("slow")
class CampaignCrashRestartTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private Map<String, Object> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return JSON.std.mapFrom(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @SuppressWarnings("unchecked")
    private static int state(Map<String, Object> status, String name) {
        return ((Number) ((Map<String, Object>) status.get("states")).get(name)).intValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCampaignKilledMidwayResumesAfterTheRestartAndNoAttemptIsPlacedTwice() throws Exception {
        // Numbers ending 0003 answer after 1 s of ringing and hang up 3 s later; 0001 is busy (retried once).
        StringBuilder contacts = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            contacts.append(contacts.isEmpty() ? "" : ",").append("{\"phone_number\": \"+799900").append(i)
                    .append(i % 4 == 0 ? "0001" : "0003").append("\"}");
        }
        String body = "{\"name\": \"crash\", \"max_concurrent\": 3, \"calls_per_second\": 5, \"window_start\": \"00:00\","
                + " \"window_end\": \"24:00\", \"retry\": {\"busy\": {\"retries\": 1, \"delay_s\": 1}},"
                + " \"contacts\": [" + contacts + "]}";
        ServiceProcess first = ServiceProcess.start(dir, dir.resolve("var"));
        String id;
        try {
            id = (String) call("POST", first.base() + "/api/campaigns", body).get("id");
            assertThat(id).as(first.output()).startsWith("cmp_");
            // Kill once some contact is done and calls are live (answered ones among them).
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Object> status = Map.of();
            while (System.nanoTime() < deadline) {
                status = call("GET", first.base() + "/api/campaigns/" + id, null);
                List<Map<String, Object>> answered = (List<Map<String, Object>>) call("GET",
                        first.base() + "/api/calls?status=answered", null).get("calls");
                if (state(status, "done") >= 1 && !answered.isEmpty()) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(state(status, "done")).as("progress before the kill: %s", status).isPositive();
        } finally {
            first.kill();
        }

        try (ServiceProcess second = ServiceProcess.start(dir, dir.resolve("var"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Map<String, Object> status = Map.of();
            while (System.nanoTime() < deadline) {
                status = call("GET", second.base() + "/api/campaigns/" + id, null);
                if ("completed".equals(status.get("status"))) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(status.get("status")).as("%s%n%s", status, second.output())
                    .isEqualTo("completed");
            assertThat(state(status, "done")).isEqualTo(8);
            List<Map<String, Object>> results = (List<Map<String, Object>>) call("GET",
                    second.base() + "/api/campaigns/" + id + "/results", null).get("results");
            assertThat(results).filteredOn(r -> "service_restart".equals(r.get("hangup_cause")))
                    .as("the calls live at the kill are failed attempts").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.get("last_outcome")).isEqualTo("failed"));
            assertThat(results).filteredOn(r -> ((String) r.get("phone_number")).endsWith("0001"))
                    .allSatisfy(r -> assertThat(r.get("last_outcome")).isIn("busy", "failed"));
            int attempts = results.stream().mapToInt(r -> ((Number) r.get("attempts")).intValue()).sum();
            Set<String> callIds = new HashSet<>();
            results.forEach(r -> callIds.addAll((List<String>) r.get("call_ids")));
            assertThat(callIds).as("one call per attempt").hasSize(attempts);

            // Every attempt's key names exactly one call in the call journal.
            List<String> keys = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("var/calls.jsonl"))) {
                if (line.startsWith("{\"id\":")) {
                    Object key = JSON.std.mapFrom(line).get("idempotency_key");
                    if (key instanceof String k && k.startsWith(id + "/")) {
                        keys.add(k);
                    }
                }
            }
            assertThat(keys).doesNotHaveDuplicates().hasSize(attempts);
        }
    }
}
