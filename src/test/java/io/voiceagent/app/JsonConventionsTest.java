package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON the service writes about a live demo call, on every route of {@code /debug/…} (as the
 * OpenAPI document lists them) and on {@code /api/calls/{id}} and {@code /health}: snake_case keys,
 * addresses as {@code host:port}, live media figures while the call is up. The call is recorded and
 * has webhook deliveries (to a port where nothing listens), so that their parts of the record are walked too.
 */
@Tag("slow")
class JsonConventionsTest {
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z0-9_]+");
    /** An address written by {@code InetSocketAddress.toString()}: {@code /127.0.0.1:4000} or {@code host/1.2.3.4:5}. */
    private static final Pattern JDK_ADDRESS = Pattern.compile(
            "(^|[\\s(=,])[A-Za-z0-9.-]*/[0-9a-fA-F.:\\[\\]]+:[0-9]+");

    @TempDir
    static Path dataDir;

    private static Module module;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startService() throws Exception {
        module = Module.start(ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 200, Map.of(
                "RECORDING", "on",
                "CALLBACK_URL", "http://127.0.0.1:9/voiceagent-events",
                "CALLBACK_SECRET", "json-conventions-secret"))));
    }

    @AfterAll
    static void stopService() {
        if (module != null) {
            module.close();
        }
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + module.httpPort() + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> json(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.std.mapFrom(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> media(Map<String, Object> call) {
        return (Map<String, Object>) call.get("media");
    }

    /** Polls the call until it is answered and its record shows packets both ways, or it ends. */
    private static Map<String, Object> awaitLiveMedia(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> call = json("GET", "/api/calls/" + id);
        while (System.nanoTime() < deadline && List.of("dialing", "ringing", "answered").contains(call.get("status"))
                && !(call.get("status").equals("answered")
                        && ((Number) media(call).get("rtp_packets_in")).longValue() > 0
                        && ((Number) media(call).get("rtp_packets_out")).longValue() > 0)) {
            Thread.sleep(20);
            call = json("GET", "/api/calls/" + id);
        }
        return call;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDebugRouteAndTheCallRecordWriteSnakeCaseKeysAndPlainAddresses() throws Exception {
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + module.httpPort() + "/api/calls/start"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+79990001122\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = (String) JSON.std.mapFrom(started.body()).get("id");

        Map<String, Object> live = awaitLiveMedia(id);
        assertThat(live.get("status")).as("live media figures while the call is up: " + live).isEqualTo("answered");

        Map<String, Object> paths = (Map<String, Object>) json("GET", "/api/openapi.json").get("paths");
        List<String> walked = new ArrayList<>();
        List<String> breaches = new ArrayList<>();
        for (var path : paths.entrySet()) {
            if (!path.getKey().startsWith("/debug/")) {
                continue;
            }
            for (String method : ((Map<String, Object>) path.getValue()).keySet()) {
                String concrete = path.getKey().replace("{id}", id);
                HttpResponse<String> response = send(method.toUpperCase(java.util.Locale.ROOT), concrete);
                assertThat(response.statusCode()).as(method + " " + concrete + ": " + response.body())
                        .isBetween(200, 299);
                collectBreaches(method + " " + path.getKey(), JSON.std.anyFrom(response.body()), breaches);
                walked.add(method + " " + path.getKey());
            }
        }
        assertThat(walked).contains("get /debug/calls/{id}/media", "get /debug/sip", "post /debug/ai/check",
                "get /debug/proxy");
        Map<String, Object> record = json("GET", "/api/calls/" + id);
        assertThat(record.get("recording")).as("the call's recording: " + record).isNotNull();
        assertThat((List<Object>) record.get("webhooks")).as("the call's webhook deliveries: " + record).isNotEmpty();
        collectBreaches("GET /api/calls/{id}", record, breaches);
        Map<String, Object> health = json("GET", "/health");
        assertThat(health).as("the live call's conversation opened").containsEntry("agent", "ok");
        collectBreaches("GET /health", health, breaches);
        collectBreaches("GET /api/calls", json("GET", "/api/calls"), breaches);
        assertThat(breaches).isEmpty();
    }

    /**
     * Every key snake_case, no address written as the JDK's {@code /1.2.3.4:5}, no figure with more than three
     * decimals, recursively; each breach listed.
     */
    private static void collectBreaches(String where, Object value, List<String> breaches) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, inner) -> {
                if (!SNAKE_CASE.matcher((String) key).matches()) {
                    breaches.add(where + ": key " + key);
                }
                collectBreaches(where + "." + key, inner, breaches);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(inner -> collectBreaches(where + "[]", inner, breaches));
        } else if (value instanceof String text && JDK_ADDRESS.matcher(text).find()) {
            breaches.add(where + ": an address with a slash: " + text);
        } else if (value instanceof Number number && !(value instanceof Integer || value instanceof Long)
                && Math.abs(number.doubleValue() * 1000 - Math.rint(number.doubleValue() * 1000)) > 1e-6) {
            breaches.add(where + ": more than three decimals: " + number);
        }
    }
}
