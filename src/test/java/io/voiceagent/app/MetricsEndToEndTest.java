package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.metrics.Scrapes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production {@code /metrics} of a whole service on the demo network (wired by {@link Module}):
 * scraped again and again while calls run and end, every answer is a 200 and no counter goes down;
 * what it serves once they have ended passes Prometheus' own checker, {@code promtool check metrics}.
 */
@Tag("slow")
class MetricsEndToEndTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final int CALLS = 4;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void scrapesDuringCallsNeverFailNorGoDownAndTheResultPassesPromtool() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool is not installed (Debian package prometheus; .ci/run installs it)");
        try (Module module = Module.start(ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 200,
                Map.of("MAX_CONCURRENT_CALLS", "10"))))) {
            URI base = URI.create("http://127.0.0.1:" + module.httpPort());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                HttpResponse<String> started = http.send(HttpRequest.newBuilder(base.resolve("/api/calls/start"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+7999000112" + i + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
                ids.add((String) JSON.std.mapFrom(started.body()).get("id"));
            }

            Map<String, Double> previous = Map.of();
            int scrapes = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!allEnded(base, ids) && System.nanoTime() < deadline) {
                Map<String, Double> now = Scrapes.monotonic(scrape(base));
                Scrapes.neverWentDown(previous, now);
                previous = now;
                scrapes++;
            }
            assertThat(allEnded(base, ids)).as("the demo calls ended").isTrue();
            assertThat(scrapes).isPositive();

            String text = scrape(base);
            Scrapes.neverWentDown(previous, Scrapes.monotonic(text));
            Map<String, Double> samples = Scrapes.samples(text);
            assertThat(samples).containsEntry("voiceagent_calls_started_total", (double) CALLS)
                    .containsEntry("voiceagent_calls_ended_total{status=\"completed\",cause=\"agent_end_call\"}",
                            (double) CALLS)
                    .containsEntry("voiceagent_call_answer_seconds_count", (double) CALLS)
                    .containsEntry("voiceagent_ai_connect_seconds_count", (double) CALLS)
                    .containsEntry("voiceagent_greeting_delay_seconds_count", (double) CALLS)
                    .containsEntry("voiceagent_calls_live{status=\"answered\"}", 0.0)
                    .containsEntry("voiceagent_sip_registration{state=\"registered\"}", 1.0)
                    .containsEntry("voiceagent_journal_state{state=\"ok\"}", 1.0);
            assertThat(samples.get("voiceagent_rtp_packets_total{direction=\"in\"}")).isGreaterThan(100);
            assertThat(samples.get("voiceagent_rtp_packets_total{direction=\"out\"}")).isGreaterThan(100);

            Promtool check = promtool(text);
            assertThat(check.output()).as("promtool check metrics").isEmpty();
            assertThat(check.exitCode()).as("promtool check metrics: " + check.output()).isZero();
        }
    }

    private String scrape(URI base) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    private boolean allEnded(URI base, List<String> ids) throws Exception {
        for (String id : ids) {
            HttpResponse<String> call = http.send(HttpRequest.newBuilder(base.resolve("/api/calls/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (JSON.std.mapFrom(call.body()).get("ended_at") == null) {
                return false;
            }
        }
        return true;
    }

    private record Promtool(int exitCode, String output) {
    }

    /** {@code promtool check metrics} with {@code text} on stdin: lint problems on its output, exit code not 0. */
    private static Promtool promtool(String text) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream output = process.getInputStream()) {
            output.transferTo(out);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish");
        }
        return new Promtool(process.exitValue(), out.toString(StandardCharsets.UTF_8).strip());
    }
}
