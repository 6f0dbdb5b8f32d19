package io.voiceagent.sip.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kamailio (Debian package kamailio) as registrar and Digest-authenticating proxy, run in the
 * foreground from {@code src/test/resources/kamailio/kamailio.cfg} with its {@code ${...}} values
 * filled in: a random loopback UDP port, the realm and password, and the port of the callee it
 * relays every INVITE to. Runtime and working directories are the test's own, so it needs no
 * root-owned paths. {@link #close()} always kills it and its worker processes.
 */
final class KamailioProcess implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

    private final ForegroundProcess process;
    private final int port;

    private KamailioProcess(ForegroundProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static KamailioProcess start(Path dir, String realm, String password, int calleePort)
            throws InterruptedException {
        Path kamailio = ExternalTool.KAMAILIO.require();
        String failures = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = LoopbackPorts.freeUdpPort();
            Path config = dir.resolve("kamailio-" + port + ".cfg");
            writeConfig(config, Map.of(
                    "SIP_HOST", "127.0.0.1",
                    "SIP_PORT", Integer.toString(port),
                    "CALLEE_HOST", "127.0.0.1",
                    "REALM", realm,
                    "PASSWORD", password,
                    "CALLEE_PORT", Integer.toString(calleePort),
                    "LOGIN", UserAgentUnderTest.LOGIN));
            ForegroundProcess process = ForegroundProcess.start("kamailio-" + port, List.of(
                    kamailio.toString(), "-DD", "-E",
                    "-f", config.toString(),
                    "-Y", dir.toString(),
                    "-w", dir.toString(),
                    "-m", "32", "-M", "4"), dir);
            if (process.awaitUdpBound(port, BIND_WAIT)) {
                return new KamailioProcess(process, port);
            }
            OptionalInt exit = process.awaitExit(Duration.ZERO);
            String report = "\n--- command: " + process.commandLine() + "\n--- log:\n" + process.stderrTail(6_000);
            process.close();
            if (exit.isEmpty() || !report.contains("bind")) {
                throw new AssertionError("kamailio did not start"
                        + exit.stream().mapToObj(code -> ": exit code " + code).findFirst()
                                .orElse(": its port is still not bound after " + BIND_WAIT)
                        + report);
            }
            // another process took the port between our probe and kamailio's bind: a new port
            failures += "\nattempt " + attempt + ":" + report;
        }
        throw new AssertionError("kamailio could not bind a port in " + START_ATTEMPTS + " attempts" + failures);
    }

    int port() {
        return port;
    }

    /** kamailio's log (it logs every request it routes), for assertion messages. */
    String log() {
        return "\n--- kamailio " + process.commandLine() + "\n" + process.stderrTail(6_000);
    }

    @Override
    public void close() {
        process.close();
    }

    /** Writes kamailio.cfg with every {@code ${NAME}} replaced from {@code values}. */
    static void writeConfig(Path file, Map<String, String> values) {
        String template;
        try (InputStream in = KamailioProcess.class.getResourceAsStream("/kamailio/kamailio.cfg")) {
            if (in == null) {
                throw new IllegalStateException("no resource /kamailio/kamailio.cfg");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kamailio.cfg template", e);
        }
        String config = PLACEHOLDER.matcher(template).replaceAll(m -> {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("kamailio.cfg needs ${" + m.group(1) + "}, which the test does not set");
            }
            return Matcher.quoteReplacement(value);
        });
        try {
            Files.writeString(file, config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
