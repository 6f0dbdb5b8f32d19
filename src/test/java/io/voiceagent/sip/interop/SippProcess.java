package io.voiceagent.sip.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * One run of the {@code sipp} binary (Debian package sip-tester) with a scenario from
 * {@code src/test/resources/sipp/}, on random loopback ports: SIP on {@link #port()}, media
 * (only advertised in SDP) on {@link #mediaPort()}. Unexpected messages go to an error log and
 * every message to a message log; both, with sipp's final screen, make up the failure message.
 * {@link #close()} always kills it.
 */
final class SippProcess implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;
    private static final Duration BIND_WAIT = Duration.ofSeconds(5);
    private static final int LOG_TAIL = 6_000;
    /** sipp's -2, "fatal error binding a socket". */
    private static final int BIND_FAILURE = 254;

    private final ForegroundProcess process;
    private final int port;
    private final int mediaPort;
    private final Path errorLog;
    private final Path messageLog;

    private SippProcess(ForegroundProcess process, int port, int mediaPort, Path errorLog, Path messageLog) {
        this.process = process;
        this.port = port;
        this.mediaPort = mediaPort;
        this.errorLog = errorLog;
        this.messageLog = messageLog;
    }

    /** sipp waiting for requests (a registrar, proxy or callee). */
    static Builder uas(String scenario) {
        return new Builder(scenario, OptionalInt.empty());
    }

    /**
     * sipp as the far end of a call from {@link UserAgentUnderTest}: it answers the REGISTER and then the
     * call, challenging with the test's credentials (the scenarios' auth_realm, auth_user and
     * auth_password), for two calls in 40 s at most. The start-up every callee test shares.
     */
    static Builder callee(String scenario) {
        return uas(scenario).key("auth_realm", UserAgentUnderTest.REALM).key("auth_user", UserAgentUnderTest.LOGIN)
                .key("auth_password", UserAgentUnderTest.PASSWORD).calls(2).timeout(Duration.ofSeconds(40));
    }

    /** sipp sending requests to {@code targetPort} on loopback. */
    static Builder client(String scenario, int targetPort) {
        return new Builder(scenario, OptionalInt.of(targetPort));
    }

    int port() {
        return port;
    }

    int mediaPort() {
        return mediaPort;
    }

    /**
     * Waits for sipp to finish its {@code -m} calls and fails with everything sipp logged unless
     * every call succeeded (exit code 0).
     */
    void assertAllCallsSucceeded(Duration timeout) throws InterruptedException {
        OptionalInt exit = process.awaitExit(timeout);
        if (exit.isEmpty()) {
            throw new AssertionError("sipp did not finish its calls within " + timeout + report());
        }
        if (exit.getAsInt() != 0) {
            throw new AssertionError("sipp exited with " + exit.getAsInt() + " (" + meaning(exit.getAsInt()) + ")"
                    + report());
        }
    }

    /**
     * How many messages sipp dropped on purpose ({@code -lost}), summed from the Lost column of
     * the last scenario screen it printed; 0 when it printed none.
     */
    int messagesLost() {
        List<String> lines = process.stdoutTail(Integer.MAX_VALUE).lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Messages") && lines.get(i).contains("Lost")) {
                header = i;
            }
        }
        if (header < 0) {
            return 0;
        }
        int column = lines.get(header).indexOf("Lost");
        int lost = 0;
        for (String row : lines.subList(header + 1, lines.size())) {
            if (row.startsWith("---")) {
                break;
            }
            if (row.length() > column) {
                String cell = row.substring(column).strip().split("\\s+")[0];
                if (cell.matches("\\d+")) {
                    lost += Integer.parseInt(cell);
                }
            }
        }
        return lost;
    }

    /** What sipp logged: for assertion messages. */
    String report() {
        return "\n--- command: " + process.commandLine()
                + "\n--- unexpected messages (-trace_err):\n" + ForegroundProcess.tail(errorLog, LOG_TAIL)
                + "\n--- messages (-trace_msg):\n" + ForegroundProcess.tail(messageLog, LOG_TAIL)
                + "\n--- screen:\n" + process.stdoutTail(LOG_TAIL)
                + "\n--- stderr:\n" + process.stderrTail(LOG_TAIL);
    }

    /** The exit codes documented in {@code sipp -h}. */
    private static String meaning(int exitCode) {
        return switch (exitCode) {
            case 0 -> "all calls successful";
            case 1 -> "at least one call failed";
            case 97 -> "exit on internal command: the scenario stopped on a check, see the messages";
            case 99 -> "normal exit without calls processed";
            case 255 -> "fatal error";
            case BIND_FAILURE -> "fatal error binding a socket";
            default -> "undocumented exit code";
        };
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "sipp on 127.0.0.1:" + port + " " + process;
    }

    static final class Builder {
        private final String scenario;
        private final OptionalInt target;
        private final Map<String, String> keys = new LinkedHashMap<>();
        private int calls = 1;
        private int lostPercent;
        private String service = "service";
        private String address = "127.0.0.1";
        private Duration timeout = Duration.ofSeconds(60);

        private Builder(String scenario, OptionalInt target) {
            this.scenario = Objects.requireNonNull(scenario, "scenario");
            this.target = target;
        }

        /** {@code -m}: sipp exits once this many calls (each REGISTER Call-ID counts as one) are done. */
        Builder calls(int calls) {
            this.calls = calls;
            return this;
        }

        /** {@code -lost}: the share of messages sipp drops, both ways, by default for every step. */
        Builder lostPercent(int percent) {
            this.lostPercent = percent;
            return this;
        }

        /** {@code -s}: the user part of the Request-URI a client scenario calls ({@code [service]}). */
        Builder service(String user) {
            this.service = user;
            return this;
        }

        /** {@code -i}: the loopback address sipp sends from (127.0.0.1 unless a test needs another host). */
        Builder address(String loopbackAddress) {
            this.address = loopbackAddress;
            return this;
        }

        /** {@code -key}: a value the scenario reads as {@code [name]}. */
        Builder key(String name, String value) {
            keys.put(name, value);
            return this;
        }

        /** {@code -timeout}: sipp gives up (and fails) after this long. */
        Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Starts sipp with its files in {@code dir}; returns once its SIP socket is bound. */
        SippProcess start(Path dir) throws InterruptedException {
            Path sipp = ExternalTool.SIPP.require();
            Path scenarioFile = SippScenario.named(scenario).writeTo(dir);
            SplittableRandom random = new SplittableRandom();
            String failures = "";
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int port = LoopbackPorts.freeUdpPort();
                // sipp binds its media port and the next ones (audio, video); the re-INVITE
                // scenario advertises media port + 2
                int mediaPort = LoopbackPorts.freeUdpRange(4, random);
                String stem = scenario.replace(".xml", "") + "-" + port;
                Path errorLog = dir.resolve(stem + "-errors.log");
                Path messageLog = dir.resolve(stem + "-messages.log");
                ForegroundProcess process = ForegroundProcess.start(stem,
                        command(sipp, scenarioFile, port, mediaPort, errorLog, messageLog), dir);
                SippProcess sippProcess = new SippProcess(process, port, mediaPort, errorLog, messageLog);
                if (process.awaitUdpBound(port, BIND_WAIT)) {
                    return sippProcess;
                }
                OptionalInt exit = process.awaitExit(Duration.ZERO);
                String report = sippProcess.report();
                sippProcess.close();
                if (exit.isEmpty() || exit.getAsInt() != BIND_FAILURE) {
                    throw new AssertionError("sipp did not start"
                            + exit.stream().mapToObj(code -> ": exit code " + code + " (" + meaning(code) + ")")
                                    .findFirst().orElse(": its port is still not bound after " + BIND_WAIT)
                            + report);
                }
                // another process took a port between our probe and sipp's bind: new ports
                failures += "\nattempt " + attempt + ":" + report;
            }
            throw new AssertionError("sipp could not bind its ports in " + START_ATTEMPTS + " attempts" + failures);
        }

        private List<String> command(Path sipp, Path scenarioFile, int port, int mediaPort, Path errorLog,
                                     Path messageLog) {
            List<String> command = new ArrayList<>();
            command.add(sipp.toString());
            target.ifPresent(t -> command.add("127.0.0.1:" + t));
            command.addAll(List.of(
                    "-sf", scenarioFile.toString(),
                    "-i", address,
                    "-p", Integer.toString(port),
                    "-mp", Integer.toString(mediaPort),
                    "-m", Integer.toString(calls),
                    "-s", service,
                    "-timeout", timeout.toSeconds() + "s",
                    "-timeout_error",
                    "-nostdin",
                    "-trace_err", "-error_file", errorLog.toString(),
                    "-trace_msg", "-message_file", messageLog.toString()));
            if (lostPercent > 0) {
                command.addAll(List.of("-lost", Integer.toString(lostPercent)));
            }
            keys.forEach((name, value) -> command.addAll(List.of("-key", name, value)));
            return command;
        }
    }
}
