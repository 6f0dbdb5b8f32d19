package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sipp (Debian package {@code sip-tester}) plays the service against the carrier: a SIP stack
 * written by others agrees with ours on the wire. A missing sipp fails the test; it is never skipped.
 */
@Tag("slow")
class SippCallerInteropTest {

    @TempDir
    Path workDir;
    private DemoCarrier carrier;

    @BeforeEach
    void start() throws Exception {
        carrier = DemoCarrier.start(RegistrationWithDigestTest.testOptions()
                .withMidCallHangupAfter(Duration.ofMillis(500)));
    }

    @AfterEach
    void stop() {
        carrier.close();
    }

    @Test
    void sippRegistersWithDigestCallsTheNormalNumberAndHangsUp() throws Exception {
        Result result = sipp("register-then-call.xml", "79990001122");

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(carrier.registeredContact()).isPresent();
        SimulatedPhone phone = carrier.phones().getFirst();
        assertThat(phone.codec()).isEqualTo("PCMA");
        assertThat(phone.awaitEnd(Duration.ofSeconds(2))).isTrue();
        assertThat(phone.ending()).contains(SimulatedPhone.Ending.CALLER_HUNG_UP);
    }

    @Test
    void sippHearsBusyAfterRinging() throws Exception {
        Result result = sipp("call-busy.xml", "79990000001");

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(carrier.phones()).isEmpty();
    }

    @Test
    void thirtyConcurrentCallsAreAnsweredAndHungUpByTheCarrier() throws Exception {
        List<SimulatedPhone> ended = new CopyOnWriteArrayList<>();
        carrier.onPhoneEnded(ended::add);

        Result result = sipp("call-carrier-hangs-up.xml", "79990000003", "-m", "30", "-l", "30", "-r", "30");

        assertThat(result.exitCode()).as(result.log()).isZero();
        assertThat(carrier.phones()).hasSize(30)
                .allSatisfy(phone -> assertThat(phone.ending()).contains(SimulatedPhone.Ending.PHONE_HUNG_UP));
        assertThat(carrier.phones()).extracting(SimulatedPhone::localPort).doesNotHaveDuplicates();
        assertThat(ended).containsExactlyInAnyOrderElementsOf(carrier.phones());
    }

    private record Result(int exitCode, String log) {
    }

    private Result sipp(String scenario, String number, String... extra) throws IOException, InterruptedException, URISyntaxException {
        Path scenarioFile = Path.of(getClass().getResource("/sipp/" + scenario).toURI());
        List<String> command = new ArrayList<>(List.of("sipp", "127.0.0.1:" + carrier.port(),
                "-sf", scenarioFile.toString(), "-s", number, "-au", "alice", "-ap", "s3cret", "-i", "127.0.0.1",
                "-mp", Integer.toString(freeMediaPort()), "-timeout", "20", "-nostdin", "-trace_err"));
        command.addAll(extra.length == 0 ? List.of("-m", "1") : List.of(extra));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("sipp.out").toFile()).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("sipp did not finish within 30 s");
            }
        } finally {
            process.destroyForcibly();
        }
        StringBuilder log = new StringBuilder();
        try (Stream<Path> files = Files.list(workDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).toList()) {
                log.append("== ").append(file.getFileName()).append('\n').append(Files.readString(file));
            }
        }
        return new Result(process.exitValue(), log.toString());
    }

    /** sipp binds its media port and the one two above it (video); both must be free. */
    private static int freeMediaPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket audio = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int port = audio.getLocalPort();
                if (port + 2 <= 65535) {
                    try (DatagramSocket video = new DatagramSocket(new InetSocketAddress("127.0.0.1", port + 2))) {
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no free pair of UDP ports for sipp's media");
    }
}
