package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.webhooks.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service on the demo network with CALLBACK_URL and CALLBACK_SECRET set: a demo call's
 * events reach a real receiver signed and in order, the call's record lists the deliveries, and
 * {@code /metrics} counts them; a call's own {@code callback_url} is used instead.
 */
@Tag("slow")
class CallWebhooksEndToEndTest {
    private static final String SECRET = "whsec_end_to_end_0123456789";

    @TempDir
    static Path dataDir;

    private static WebhookReceiver receiver;
    private static Module module;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startService() throws Exception {
        receiver = new WebhookReceiver(SECRET, Clock.systemUTC());
        Config config = ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.of(
                "CALLBACK_URL", receiver.url().toString(),
                "CALLBACK_SECRET", SECRET)));
        module = Module.start(config);
    }

    @AfterAll
    static void stopService() {
        if (module != null) {
            module.close();
        }
        receiver.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_demo_call_s_events_arrive_signed_in_order_and_the_record_lists_their_delivery() throws Exception {
        String id = (String) send("POST", "/api/calls/start", "{\"phone_number\":\"+79990001122\"}").get("id");

        WebhookReceiver.Received ringing = receiver.next();
        WebhookReceiver.Received answered = receiver.next();
        WebhookReceiver.Received ended = receiver.next();

        assertThat(List.of(ringing, answered, ended)).extracting(WebhookReceiver.Received::type)
                .containsExactly("call.ringing", "call.answered", "call.ended");
        assertThat(List.of(ringing, answered, ended)).allMatch(WebhookReceiver.Received::signatureValid)
                .allMatch(r -> r.body().get("call_id").equals(id));
        Map<String, Object> record = (Map<String, Object>) ended.body().get("data");
        assertThat(record).containsEntry("status", "completed").containsEntry("hangup_cause", "agent_end_call");
        assertThat((List<Map<String, Object>>) record.get("transcript")).extracting(l -> l.get("role"))
                .containsExactly("agent", "user", "agent");

        List<Map<String, Object>> deliveries = awaitDelivered(id, 3);
        assertThat(deliveries).extracting(d -> d.get("type"))
                .containsExactly("call.ringing", "call.answered", "call.ended");
        assertThat(deliveries).allSatisfy(d -> assertThat(d).containsEntry("attempts", 1)
                .containsEntry("last_status", "200"));
        assertThat(deliveries.get(0).get("url")).as("no query: it may hold the receiver's token")
                .isEqualTo("http://127.0.0.1:" + receiver.url().getPort() + "/hooks/voiceagent");
        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("voiceagent_webhook_deliveries_total\\{result=\"delivered\"} [1-9]");
    }

    @Test
    void a_call_s_own_callback_url_receives_its_events_instead() throws Exception {
        try (WebhookReceiver own = new WebhookReceiver(SECRET, Clock.systemUTC())) {
            Map<String, Object> started = send("POST", "/api/calls/start",
                    "{\"phone_number\":\"+79990000001\",\"callback_url\":\"" + own.url() + "\"}");
            assertThat(((Map<?, ?>) started.get("request")).get("callback_url")).isEqualTo(own.url().toString());

            assertThat(own.next().type()).isEqualTo("call.ringing");
            WebhookReceiver.Received ended = own.next();
            assertThat(ended.type()).isEqualTo("call.ended");
            assertThat(((Map<?, ?>) ended.body().get("data")).get("status")).isEqualTo("busy");
            assertThat(receiver.all()).noneMatch(r -> r.body().get("call_id").equals(started.get("id")));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> awaitDelivered(String id, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Map<String, Object>> deliveries;
        do {
            deliveries = (List<Map<String, Object>>) send("GET", "/api/calls/" + id, null).get("webhooks");
            if (deliveries.size() == count && deliveries.stream().allMatch(d -> d.get("state").equals("delivered"))) {
                return deliveries;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return deliveries;
    }

    private static Map<String, Object> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.std.mapFrom(response.body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + module.httpPort() + path);
    }
}
