package io.voiceagent.sip.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A tool run in the foreground for one test, its stdout and stderr going to files in the test's
 * directory (a pipe nobody reads would block it). {@link #close()} always ends it and its children.
 */
final class ForegroundProcess implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(2);

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ForegroundProcess(String name, List<String> command, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code command} in {@code dir}; {@code name} prefixes its output files there. */
    static ForegroundProcess start(String name, List<String> command, Path dir) {
        Objects.requireNonNull(name, "name");
        List<String> copy = List.copyOf(command);
        Path out = dir.resolve(name + ".stdout.txt");
        Path err = dir.resolve(name + ".stderr.txt");
        try {
            Process process = new ProcessBuilder(copy)
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new ForegroundProcess(name, copy, process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", copy), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty if it is still running after {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        return OptionalInt.empty();
    }

    /** Waits until the tool holds UDP {@code port} on loopback; false if it exited or took too long. */
    boolean awaitUdpBound(int port, Duration wait) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                return false;
            }
            if (LoopbackPorts.isBound(port)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    String commandLine() {
        return String.join(" ", command);
    }

    String stdoutTail(int maxChars) {
        return tail(stdout, maxChars);
    }

    String stderrTail(int maxChars) {
        return tail(stderr, maxChars);
    }

    /** The last {@code maxChars} of a text file the tool wrote; empty when it wrote none. */
    static String tail(Path file, int maxChars) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            return text.length() <= maxChars ? text : "[...]" + text.substring(text.length() - maxChars);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after a grace period; children first, so nothing outlives the test. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
