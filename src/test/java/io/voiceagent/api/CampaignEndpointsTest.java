package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/campaigns} and {@code /api/dnc} through the real HTTP API: creating from JSON and from CSV
 * (bad rows reported by line and reason, duplicates merged and counted, bodies past 64 KiB), settings
 * range checks, the lifecycle's refusals, results as CSV, and the do-not-call list refusing a call start.
 */
class CampaignEndpointsTest {
    private ApiHarness api;

    @BeforeEach
    void setUp() throws Exception {
        api = ApiHarness.open();
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private ApiHarness.Reply postCsv(String pathAndQuery, String csv) {
        return api.send(api.request(pathAndQuery).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJsonCampaignIsCreatedWithItsDuplicatesMergedAndCountedThenPausedResumedAndCanceled() {
        ApiHarness.Reply created = api.post("/api/campaigns", """
                {"name": "reminders", "max_concurrent": 3, "calls_per_second": 2,
                 "window_start": "10:00", "window_end": "18:00", "days": "mon-fri", "timezone": "Europe/Moscow",
                 "retry": {"busy": {"retries": 1, "delay_s": 600}},
                 "contacts": [
                   {"phone_number": "+7 999 000-11-22", "dynamic_variables": {"name": "Anna"}},
                   {"phone_number": "89990001122", "dynamic_variables": {"name": "Other", "slot": "10:30"}},
                   {"phone_number": "+79990003344", "first_message": "Hi Boris", "metadata": {"crm": 7}}]}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Map<String, Object> status = created.json();
        String id = (String) status.get("id");
        assertThat(created.header("Location")).contains("/api/campaigns/" + id);
        assertThat(status).containsEntry("status", "running").containsEntry("contacts", 2)
                .containsEntry("duplicates_merged", 1);
        Map<String, Object> settings = (Map<String, Object>) status.get("settings");
        assertThat(settings).containsEntry("max_concurrent", 3).containsEntry("days", "mon,tue,wed,thu,fri")
                .containsEntry("window_start", "10:00");
        assertThat((Map<String, Object>) ((Map<String, Object>) settings.get("retry")).get("busy"))
                .containsEntry("retries", 1).containsEntry("delay_s", 600);

        Map<String, Object> first = ((List<Map<String, Object>>) api.get("/api/campaigns/" + id + "/results").json()
                .get("results")).getFirst();
        assertThat((Map<String, Object>) first.get("dynamic_variables"))
                .containsEntry("name", "Anna").containsEntry("slot", "10:30");
        assertThat(first).containsEntry("phone_number", "79990001122").containsEntry("state", "pending");

        assertThat((List<?>) api.get("/api/campaigns").json().get("campaigns")).hasSize(1);
        assertThat(api.postEmpty("/api/campaigns/" + id + "/pause").json()).containsEntry("status", "paused");
        assertThat(api.postEmpty("/api/campaigns/" + id + "/pause").status()).isEqualTo(409);
        assertThat(api.postEmpty("/api/campaigns/" + id + "/resume").json()).containsEntry("status", "running");
        assertThat(api.postEmpty("/api/campaigns/" + id + "/cancel?hangup=maybe").status()).isEqualTo(400);
        Map<String, Object> canceled = api.postEmpty("/api/campaigns/" + id + "/cancel").json();
        assertThat(canceled).containsEntry("status", "canceled");
        assertThat((Map<String, Object>) canceled.get("states")).containsEntry("not_called", 2);
        ApiHarness.Reply again = api.postEmpty("/api/campaigns/" + id + "/resume");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("invalid_state");
        assertThat(api.get("/api/campaigns/cmp_nope").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyBadCsvRowIsReportedByItsLineAndNothingIsCreated() {
        ApiHarness.Reply refused = postCsv("/api/campaigns?name=leads", """
                phone_number,name,note
                +79990001122,Anna,"says ""hi"", often"
                12345,Boris,x
                +79990003344,Clara
                ,Dan,y
                """);
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.error()).isEqualTo("invalid_contacts");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) refused.json().get("invalid");
        assertThat(rows).extracting(r -> r.get("line")).containsExactly(3, 4, 5);
        assertThat((String) rows.get(0).get("error")).contains("phone_number");
        assertThat((String) rows.get(1).get("error")).contains("2 columns where the header has 3");
        assertThat(refused.json()).containsEntry("invalid_count", 3);
        assertThat((List<?>) api.get("/api/campaigns").json().get("campaigns")).isEmpty();

        ApiHarness.Reply noPhone = postCsv("/api/campaigns", "name,slot\nAnna,10:00\n");
        assertThat(noPhone.status()).isEqualTo(400);
        assertThat(noPhone.message()).contains("phone_number column");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLargeCsvIsTakenWithItsColumnsAsVariablesAndItsResultsComeBackAsCsv() {
        StringBuilder csv = new StringBuilder("phone_number,name,city\r\n");
        for (int i = 0; i < 3000; i++) {
            csv.append("+7999").append(String.format("%07d", 1_000_000 + i)).append(",Name number ").append(i)
                    .append(",\"Moscow, Russia\"\r\n");
        }
        csv.append("+79991000000,Again,Kazan\r\n");
        assertThat(csv.length()).isGreaterThan(HttpApi.MAX_BODY_BYTES);
        ApiHarness.Reply created = postCsv("/api/campaigns?name=big&max_concurrent=2&calls_per_second=0.5"
                + "&retry_no_answer=3:900&timezone=Asia/Yekaterinburg", csv.toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).containsEntry("contacts", 3000).containsEntry("duplicates_merged", 1);
        String id = (String) created.json().get("id");
        Map<String, Object> settings = (Map<String, Object>) created.json().get("settings");
        assertThat(settings).containsEntry("timezone", "Asia/Yekaterinburg").containsEntry("calls_per_second", 0.5);

        ApiHarness.Reply results = api.get("/api/campaigns/" + id + "/results?format=csv");
        assertThat(results.status()).isEqualTo(200);
        assertThat(results.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = results.body().lines().toList();
        assertThat(lines).hasSize(3001);
        assertThat(lines.get(0)).isEqualTo("line,phone_number,state,last_outcome,attempts,call_ids,duration_s,"
                + "hangup_cause,transcript_lines,next_attempt_at,name,city");
        assertThat(lines.get(1)).isEqualTo("2,79991000000,pending,,0,,0.0,,0,,Name number 0,\"Moscow, Russia\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void settingsOutOfRangeAreRefusedByName() {
        String contacts = "\"contacts\": [{\"phone_number\": \"+79990001122\"}]";
        Map<String, String> bad = Map.of(
                "\"max_concurrent\": 10", "max_concurrent: expected a number from 1 to 9",
                "\"calls_per_second\": 0", "calls_per_second",
                "\"timezone\": \"Mars/Olympus\"", "timezone",
                "\"window_start\": \"09:00\", \"window_end\": \"09:00\"", "window: the window must not end when it starts",
                "\"window_start\": \"24:00\", \"window_end\": \"09:00\"", "window: the window cannot start at 24:00",
                "\"days\": \"fri-mon\"", "runs backwards",
                "\"retry\": {\"answered\": {\"retries\": 1}}", "not retried",
                "\"retry\": {\"busy\": {\"retries\": 11}}", "retries",
                "\"stop_at\": \"2020-01-01T00:00:00Z\"", "has passed",
                "\"colour\": \"red\"", "unknown field 'colour'");
        bad.forEach((setting, message) -> {
            ApiHarness.Reply reply = api.post("/api/campaigns", "{" + setting + ", " + contacts + "}");
            assertThat(reply.status()).as(setting + " → " + reply.body()).isEqualTo(400);
            assertThat(reply.message()).as(setting).contains(message);
        });
        assertThat(api.post("/api/campaigns", "{\"contacts\": []}").status()).isEqualTo(400);
        ApiHarness.Reply unsigned = api.post("/api/campaigns", "{\"callback_url\": \"https://crm.example.com/h\", "
                + contacts + "}");
        assertThat(unsigned.status()).isEqualTo(400);
        assertThat(unsigned.message()).contains("CALLBACK_SECRET");
        ApiHarness.Reply recorded = api.post("/api/campaigns", "{\"record\": true, " + contacts + "}");
        assertThat(recorded.status()).isEqualTo(201);
        assertThat(((Map<?, ?>) recorded.json().get("settings")).get("record")).isEqualTo(true);
        ApiHarness.Reply overnight = api.post("/api/campaigns", "{\"window_start\": \"21:00\", \"window_end\": \"02:00\", "
                + contacts + "}");
        assertThat(overnight.status()).as(overnight.body()).isEqualTo(201);
        assertThat((Map<String, Object>) overnight.json().get("settings")).containsEntry("window_start", "21:00")
                .containsEntry("window_end", "02:00");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNumberOnTheDoNotCallListIsRefusedByCallStartUntilItIsRemoved() {
        ApiHarness.Reply added = api.post("/api/dnc", "{\"numbers\": [\"+7 999 000-11-22\", \"89990003344\"]}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json()).containsEntry("added", 2);
        assertThat((List<String>) api.get("/api/dnc").json().get("numbers"))
                .containsExactly("79990001122", "79990003344");

        ApiHarness.Reply refused = api.post("/api/calls/start", "{\"phone_number\": \"+79990001122\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("do_not_call");
        assertThat(api.calls.startRequests).isEmpty();

        assertThat(api.send(api.request("/api/dnc/+79990001122").DELETE()).status()).isEqualTo(200);
        assertThat(api.send(api.request("/api/dnc/+79990001122").DELETE()).status()).isEqualTo(404);
        assertThat(api.post("/api/calls/start", "{\"phone_number\": \"+79990001122\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/dnc", "{\"numbers\": [\"12\"]}").status()).isEqualTo(400);
    }
}
