package io.voiceagent.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a child process ({@code voiceagent start}) on the demo network, as systemd runs it: its
 * output kept line by line, its API address read from the banner. For the tests that signal or kill it.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern API_URL = Pattern.compile("API: (http://[0-9.]+:[0-9]+)");

    private final Process process;
    private final String base;
    private final List<String> output;
    private final Thread reader;

    private ServiceProcess(Process process, String base, List<String> output, Thread reader) {
        this.process = process;
        this.base = base;
        this.output = output;
        this.reader = reader;
    }

    /** Starts it in {@code workDir} with DATA_DIR {@code dataDir} and random ports; returns once its API listens. */
    static ServiceProcess start(Path workDir, Path dataDir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "start").directory(workDir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("SIP_") || name.startsWith("ELEVENLABS_")
                || name.startsWith("EXOLVE_") || name.equals("API_TOKEN") || name.startsWith("CALLBACK_"));
        env.putAll(DemoServiceEnv.onRandomPorts(dataDir, 200, Map.of()));
        Process process = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> base = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher m = API_URL.matcher(line);
                    if (m.find()) {
                        base.complete(m.group(1));
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
            base.completeExceptionally(new AssertionError("no API address; output:\n" + String.join("\n", output)));
        });
        try {
            return new ServiceProcess(process, base.get(60, TimeUnit.SECONDS), output, reader);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:41234}. */
    String base() {
        return base;
    }

    Process process() {
        return process;
    }

    /** Everything it printed so far. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** SIGTERM, through the handle: {@code Process.destroy()} would also close our end of its output. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** Waits for its output to end (after it exited). */
    void awaitOutput(Duration timeout) throws InterruptedException {
        reader.join(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
