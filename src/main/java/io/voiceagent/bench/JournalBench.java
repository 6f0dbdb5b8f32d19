package io.voiceagent.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.app.Module;
import io.voiceagent.call.CallJournal;
import io.voiceagent.config.ConfigLoader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bench --journal [--journal-calls N]}: what the call journal costs. Places one real demo call
 * through the whole service (in this process, on the demo network) and reports the journal bytes it
 * wrote; then copies that call's lines into a journal of N calls (default 100,000) and times a
 * start-up's replay of it: {@link CallJournal#open} cold (as a fresh process does it) and the whole
 * {@link Module#start} on that DATA_DIR against the same start on an empty one.
 */
final class JournalBench {
    private static final String CALL_NUMBER = "+79990001122";

    private final PrintStream out;
    private final int calls;
    private final Path workDir;

    private JournalBench(PrintStream out, int calls, Path workDir) {
        this.out = out;
        this.calls = calls;
        this.workDir = workDir;
    }

    static int run(List<String> args, PrintStream out) {
        int calls = 100_000;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--journal-calls") && i + 1 < args.size()) {
                calls = Integer.parseInt(args.get(++i));
            } else if (!args.get(i).equals("--journal")) {
                System.err.println("usage: bench --journal [--journal-calls N]");
                return 2;
            }
        }
        try {
            new JournalBench(out, calls, Files.createTempDirectory("voiceagent-journal-bench-")).measure();
            return 0;
        } catch (Exception e) {
            System.err.println("journal bench failed: " + e);
            return 1;
        }
    }

    private void measure() throws Exception {
        Path oneCall = workDir.resolve("one-call");
        String callId = placeOneDemoCall(oneCall);
        List<String> lines = Files.readAllLines(oneCall.resolve("calls.jsonl"));
        long bytesPerCall = Files.size(oneCall.resolve("calls.jsonl"));
        out.printf("journal bytes per completed demo call (%s, %d lines: first record whole, then changes): %,d%n",
                CALL_NUMBER, lines.size(), bytesPerCall);

        Path big = workDir.resolve("big");
        Files.createDirectories(big);
        try (BufferedWriter writer = Files.newBufferedWriter(big.resolve("calls.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < calls; i++) {
                String id = String.format("c_%016x", i);
                for (String line : lines) {
                    writer.write(line.replace(callId, id));
                    writer.write('\n');
                }
            }
        }
        out.printf("journal of %,d such calls: %,d bytes%n", calls, Files.size(big.resolve("calls.jsonl")));

        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long threadCpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long started = System.nanoTime();
        CallJournal.Opened opened = CallJournal.open(big, Clock.systemUTC(), new CallJournal.Settings(
                Duration.ofDays(90), CallJournal.Settings.DEFAULT_RETRY_INTERVAL, 10_000));
        long openNanos = System.nanoTime() - started;
        long threadCpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                - threadCpuBefore;
        long processCpu = os.getProcessCpuTime() - cpuBefore;
        opened.journal().close();
        out.printf("CallJournal.open, cold, %,d calls: %d ms wall, %d ms CPU on the opening thread, %d ms CPU in"
                        + " the whole process (JIT and GC included), %,d records loaded; load average %.1f on %d cores%n",
                calls, openNanos / 1_000_000, threadCpu / 1_000_000, processCpu / 1_000_000, opened.records().size(),
                os.getSystemLoadAverage(), os.getAvailableProcessors());

        Path empty = workDir.resolve("empty");
        long emptyStart = timeModuleStart(empty);
        long bigStart = timeModuleStart(big);
        out.printf("service start (Module.start, demo network included): empty journal %d ms, %,d calls %d ms%n",
                emptyStart / 1_000_000, calls, bigStart / 1_000_000);
    }

    private String placeOneDemoCall(Path dataDir) throws Exception {
        try (Module module = Module.start(ConfigLoader.fromMap(config(dataDir)));
             HttpClient http = HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + module.httpPort());
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(base.resolve("/api/calls/start"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"" + CALL_NUMBER + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = (String) JSON.std.mapFrom(started.body()).get("id");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, Object> call = JSON.std.mapFrom(http.send(HttpRequest.newBuilder(
                        base.resolve("/api/calls/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body());
                if ("completed".equals(call.get("status"))) {
                    return id;
                }
                Thread.sleep(100);
            }
            throw new IOException("the demo call did not complete within 60 s");
        }
    }

    private static long timeModuleStart(Path dataDir) throws IOException {
        long started = System.nanoTime();
        try (Module ignored = Module.start(ConfigLoader.fromMap(config(dataDir)))) {
            return System.nanoTime() - started;
        } catch (io.voiceagent.config.ConfigException e) {
            throw new IOException(e);
        }
    }

    private static Map<String, String> config(Path dataDir) throws IOException {
        int sipBase = ThreadLocalRandom.current().nextInt(30_000, 39_000);
        int rtpBase = ThreadLocalRandom.current().nextInt(20_000, 28_000) & ~1;
        return Map.of("HTTP_PORT", "0", "DATA_DIR", dataDir.toString(),
                "SIP_PORT_MIN", Integer.toString(sipBase), "SIP_PORT_MAX", Integer.toString(sipBase + 50),
                "RTP_PORT_MIN", Integer.toString(rtpBase), "RTP_PORT_MAX", Integer.toString(rtpBase + 200),
                "LOG_LEVEL", "WARN");
    }
}
