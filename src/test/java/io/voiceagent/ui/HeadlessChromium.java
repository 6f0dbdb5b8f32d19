package io.voiceagent.ui;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless Chromium with a fresh profile and its DevTools port on an ephemeral port, read
 * from the DevToolsActivePort file it writes. Closing kills it and deletes everything it wrote: the
 * profile, and its temporary files, which it is given a directory of its own for (killed, Chromium
 * leaves its singleton socket's directory, {@code org.chromium.Chromium.*}, in {@code TMPDIR}).
 */
final class HeadlessChromium implements AutoCloseable {
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    /** The profile and Chromium's own temporary directory. */
    private final Path root;
    private final URI browserWebSocket;

    private HeadlessChromium(Process process, Path root, URI browserWebSocket) {
        this.process = process;
        this.root = root;
        this.browserWebSocket = browserWebSocket;
    }

    /** The Chromium binary of this machine, if any (the Debian package {@code chromium}). */
    static Optional<Path> find() {
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    static HeadlessChromium start(Path binary) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("voiceagent-chromium-");
        Path profile = Files.createDirectory(root.resolve("profile"));
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("chromium.log").toFile());
        builder.environment().put("TMPDIR", Files.createDirectory(root.resolve("tmp")).toString());
        Process process = builder.start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (lines.size() >= 2) {
                    return new HeadlessChromium(process, root,
                            URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
                }
            }
            // Chromium writes the file once it listens; nothing to wait on but the file itself
            Thread.sleep(50);
        }
        String log = Files.exists(root.resolve("chromium.log")) ? Files.readString(root.resolve("chromium.log")) : "";
        process.destroyForcibly();
        deleteTree(root);
        throw new IOException("Chromium did not open its DevTools port within " + STARTUP.toSeconds() + " s:\n" + log);
    }

    URI browserWebSocket() {
        return browserWebSocket;
    }

    /** Where Chromium's profile and temporary files are; gone once it is closed. */
    Path root() {
        return root;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        deleteTree(root);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
