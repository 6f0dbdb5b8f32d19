package io.voiceagent.app;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process, as systemd or Ctrl-C would stop it: SIGTERM while a call is live hangs the call
 * up (BYE), records why, and the process exits 0 within 10 s.
 */
@Tag("slow")
class GracefulShutdownTest {
    @TempDir
    Path dataDir;

    @Test
    void sigtermHangsUpLiveCallsAndExitsZeroWithinTenSeconds() throws Exception {
        try (ServiceProcess running = ServiceProcess.start(dataDir, dataDir.resolve("var"))) {
            Process service = running.process();
            String base = running.base();
            HttpClient http = HttpClient.newHttpClient();
            String id = (String) JSON.std.mapFrom(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/calls/start")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+79990007777\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("id");
            awaitAnswered(http, base, id);

            long signalled = System.nanoTime();
            running.terminate();
            boolean exited = service.waitFor(10, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - signalled) / 1_000_000;

            assertThat(exited).as("exited within 10 s; output:%n%s", running.output()).isTrue();
            assertThat(service.exitValue()).as("exit code after SIGTERM").isZero();
            assertThat(tookMs).isLessThan(10_000);
            running.awaitOutput(Duration.ofSeconds(5));
            assertThat(running.output()).contains("SIGTERM received").contains("stage=ended")
                    .contains("cause=shutdown");
            List<CallRecord> journal = CallJournal.open(dataDir.resolve("var")).records();
            assertThat(journal).filteredOn(r -> r.id().equals(id)).singleElement().satisfies(r -> {
                assertThat(r.status().wireName()).isEqualTo("completed");
                assertThat(r.ending().map(CallEnding::cause)).contains(EndCause.SHUTDOWN);
                assertThat(r.ending().map(CallEnding::by)).contains(EndedBy.US);
            });
        }
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
