package io.voiceagent.app;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process, as systemd or Ctrl-C would stop it: SIGTERM while a call is live hangs the call
 * up (BYE), records why, and the process exits 0 within 10 s.
 */
class GracefulShutdownTest {
    private static final Pattern API_URL = Pattern.compile("API: (http://[0-9.]+:[0-9]+)");

    @TempDir
    Path dataDir;

    @Test
    void sigtermHangsUpLiveCallsAndExitsZeroWithinTenSeconds() throws Exception {
        int sipBase = ThreadLocalRandom.current().nextInt(50_000, 55_000);
        int rtpBase = ThreadLocalRandom.current().nextInt(55_000, 60_000) & ~1;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "start")
                .directory(dataDir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("SIP_") || name.startsWith("ELEVENLABS_")
                || name.startsWith("EXOLVE_") || name.equals("API_TOKEN"));
        env.putAll(Map.of("HTTP_PORT", "0", "DATA_DIR", dataDir.resolve("var").toString(),
                "SIP_PORT_MIN", Integer.toString(sipBase), "SIP_PORT_MAX", Integer.toString(sipBase + 50),
                "RTP_PORT_MIN", Integer.toString(rtpBase), "RTP_PORT_MAX", Integer.toString(rtpBase + 200)));
        Process service = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        String[] apiUrl = new String[1];
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = API_URL.matcher(line);
                    if (m.find()) {
                        synchronized (apiUrl) {
                            apiUrl[0] = m.group(1);
                            apiUrl.notifyAll();
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            String base = awaitApiUrl(apiUrl, output);
            HttpClient http = HttpClient.newHttpClient();
            String id = (String) JSON.std.mapFrom(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/calls/start")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+79990007777\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("id");
            awaitAnswered(http, base, id);

            long signalled = System.nanoTime();
            // SIGTERM through the handle: Process.destroy() would also close our end of its output.
            service.toHandle().destroy();
            boolean exited = service.waitFor(10, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - signalled) / 1_000_000;

            assertThat(exited).as("exited within 10 s; output:%n%s", String.join("\n", output)).isTrue();
            assertThat(service.exitValue()).as("exit code after SIGTERM").isZero();
            assertThat(tookMs).isLessThan(10_000);
            reader.join(Duration.ofSeconds(5));
            assertThat(String.join("\n", output)).contains("SIGTERM received").contains("stage=ended")
                    .contains("cause=shutdown");
            List<CallRecord> journal = CallJournal.open(dataDir.resolve("var")).records();
            assertThat(journal).filteredOn(r -> r.id().equals(id)).singleElement().satisfies(r -> {
                assertThat(r.status().wireName()).isEqualTo("completed");
                assertThat(r.ending().map(CallEnding::cause)).contains(EndCause.SHUTDOWN);
                assertThat(r.ending().map(CallEnding::by)).contains(EndedBy.US);
            });
        } finally {
            service.destroyForcibly();
        }
    }

    private static String awaitApiUrl(String[] apiUrl, List<String> output) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        synchronized (apiUrl) {
            while (apiUrl[0] == null && System.currentTimeMillis() < deadline) {
                apiUrl.wait(500);
            }
        }
        assertThat(apiUrl[0]).as("the service printed its API address; output:%n%s", String.join("\n", output))
                .isNotNull();
        return apiUrl[0];
    }

    private static void awaitAnswered(HttpClient http, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = "";
        while (!status.equals("answered") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = (String) JSON.std.mapFrom(http.send(HttpRequest.newBuilder(URI.create(base + "/api/calls/" + id))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("status");
        }
        assertThat(status).isEqualTo("answered");
    }
}
