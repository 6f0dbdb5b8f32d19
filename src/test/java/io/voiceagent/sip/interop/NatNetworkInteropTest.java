package io.voiceagent.sip.interop;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as a real process in a private network namespace behind a masquerading, port-changing
 * router ({@link TestNetwork}), SIP_PUBLIC_IP unset, calling through kamailio (registrar and
 * record-routing proxy, Digest) to a sipp phone that echoes RTP back to where it comes from. The
 * service must register, place the call, offer an SDP address and port the phone can reach, carry
 * audio both ways, and the fake agent (in the service's process) must hear the phone: its echoed
 * greeting becomes a user turn. The first run uses SIP_STUN_SERVER (a responder written from
 * RFC 5389 beside the phone), so the SDP carries the router's port; the second learns the address
 * from the registrar's received only, and drops 10 % of the UDP the router forwards, each way:
 * every call must still complete. A third run advertises a private SIP_PUBLIC_IP to the public
 * carrier and expects the warning once on the log and on {@code /health}.
 * Without root (or without iproute2/nftables) these tests are skipped with the reason; under
 * {@code CI=true} that is a failure.
 */
@Tag("slow")
class NatNetworkInteropTest {
    private static final String REALM = "voiceagent.test";
    private static final String PASSWORD = "netns-secret-5";
    private static final String LOGIN = "883140000000001";
    private static final int KAMAILIO_PORT = 5060;
    private static final int PHONE_PORT = 5070;
    private static final int PHONE_MEDIA_PORT = 6000;
    private static final int STUN_PORT = 3478;
    private static final int HTTP_PORT = 8000;
    private static final int RTP_PORT_MIN = 10_000;
    private static final int RTP_PORT_MAX = 10_200;
    private static final Duration START_WAIT = Duration.ofSeconds(20);
    private static final Duration CALL_WAIT = Duration.ofSeconds(60);
    private static final Pattern SDP_MEDIA = Pattern.compile("c=IN IP4 ([0-9.]+)\\\\r\\\\nt=0 0\\\\r\\\\nm=audio (\\d+) ");

    @Test
    void behindAPortChangingNatTheServiceRegistersAndACallCarriesAudioBothWays(@TempDir Path dir) throws Exception {
        long started = System.nanoTime();
        try (TestNetwork network = TestNetwork.create(); Peers peers = Peers.start(network, dir, 1, true, Optional.empty())) {
            assertThat(peers.healthAtRegistration()).as("a public address is advertised: no warning")
                    .doesNotContainKey("address_warning");
            List<Map<String, Object>> ended = peers.placeCallsAndAwaitTheirEnd(1);

            assertCallsCompletedWithAudioBothWays(ended, peers);
            // Only without loss: a lost 180 is never retransmitted (RFC 3261 §17.2.1), the 200 still comes.
            assertThat(ended.getFirst().get("ringing_at")).as("the phone rang").isNotNull();
            for (InetSocketAddress ours : peers.sdpEndpointsOffered()) {
                assertThat(ours.getHostString()).isEqualTo(TestNetwork.ROUTER_PUBLIC_ADDRESS);
                assertThat(ours.getPort()).as("the RTP port STUN learned, not the local one")
                        .isBetween(TestNetwork.NAT_PORT_MIN, TestNetwork.NAT_PORT_MAX);
            }
            peers.assertPhoneCallsSucceeded();
            System.out.printf("NatNetworkInteropTest: 1 call through the NAT in %d ms; %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), figures(ended));
        }
    }

    @Test
    void aPrivateAddressAdvertisedToThePublicCarrierIsWarnedAboutOnceOnTheLogAndOnHealth(@TempDir Path dir)
            throws Exception {
        try (TestNetwork network = TestNetwork.create();
             Peers peers = Peers.start(network, dir, 1, false, Optional.of(TestNetwork.SERVICE_HOST))) {
            String warning = "SIP and SDP advertise " + TestNetwork.SERVICE_HOST;

            assertThat((String) peers.healthAtRegistration().get("address_warning")).as(peers.logs())
                    .startsWith(warning).contains("SIP_PUBLIC_IP").contains("SIP_STUN_SERVER");
            String log = peers.awaitServiceLog(warning);
            assertThat(log.split(java.util.regex.Pattern.quote(warning), -1)).as(log).hasSize(2);
        }
    }

    /** Without SIP_STUN_SERVER, so that the other way of learning our address (the registrar's received) is run too. */
    @Test
    void withTenPercentUdpLossOnTheRouterEveryCallStillCompletesAndAudioFlows(@TempDir Path dir) throws Exception {
        int calls = 3;
        long started = System.nanoTime();
        try (TestNetwork network = TestNetwork.create()) {
            network.dropUdp(10);
            try (Peers peers = Peers.start(network, dir, calls, false, Optional.empty())) {
                List<Map<String, Object>> ended = peers.placeCallsAndAwaitTheirEnd(calls);

                assertCallsCompletedWithAudioBothWays(ended, peers);
                // Without STUN: the address the registrar reported (received), and our local RTP port,
                // which the phone never sees; it answers our RTP where it comes from (symmetric RTP).
                for (InetSocketAddress ours : peers.sdpEndpointsOffered()) {
                    assertThat(ours.getHostString()).isEqualTo(TestNetwork.ROUTER_PUBLIC_ADDRESS);
                    assertThat(ours.getPort()).isBetween(RTP_PORT_MIN, RTP_PORT_MAX);
                }
                long dropped = network.droppedPackets();
                assertThat(dropped).as("packets the router dropped").isGreaterThan(50);
                peers.assertPhoneCallsSucceeded();
                System.out.printf("NatNetworkInteropTest: %d of %d calls completed with 10%% UDP loss in %d ms,"
                                + " %d packets dropped by the router; %s%n", ended.size(), calls,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dropped, figures(ended));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertCallsCompletedWithAudioBothWays(List<Map<String, Object>> ended, Peers peers) {
        for (Map<String, Object> call : ended) {
            String report = call + peers.logs();
            assertThat(call.get("status")).as(report).isEqualTo("completed");
            assertThat(call.get("answered_at")).as(report).isNotNull();
            assertThat(call.get("hangup_by")).as(report).isEqualTo("agent");
            List<Map<String, Object>> transcript = (List<Map<String, Object>>) call.get("transcript");
            assertThat(transcript).as("the agent heard the phone: " + report)
                    .extracting(line -> line.get("role")).contains("agent", "user");
            Map<String, Object> media = (Map<String, Object>) call.get("media");
            assertThat(((Number) media.get("rtp_packets_in")).longValue()).as(report).isGreaterThan(100);
            assertThat(((Number) media.get("rtp_packets_out")).longValue()).as(report).isGreaterThan(100);
            assertThat(((Number) media.get("ai_audio_sent_ms")).longValue()).as(report).isGreaterThan(1_000);
        }
    }

    @SuppressWarnings("unchecked")
    private static String figures(List<Map<String, Object>> ended) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> call : ended) {
            Map<String, Object> media = (Map<String, Object>) call.get("media");
            out.add("rtp in " + media.get("rtp_packets_in") + ", out " + media.get("rtp_packets_out") + ", lost "
                    + media.get("rtp_lost") + ", audio to agent " + media.get("ai_audio_sent_ms") + " ms");
        }
        return String.join("; ", out);
    }

    /** kamailio, the sipp phone and the STUN responder in the public namespace; the service in the private one. */
    private static final class Peers implements AutoCloseable {
        private final TestNetwork network;
        private final List<ForegroundProcess> processes = new ArrayList<>();
        private ForegroundProcess phone;
        private ForegroundProcess service;
        private ForegroundProcess kamailio;
        private Map<String, Object> healthAtRegistration;

        private Peers(TestNetwork network) {
            this.network = network;
        }

        static Peers start(TestNetwork network, Path dir, int calls, boolean stun, Optional<String> publicIp)
                throws Exception {
            Peers peers = new Peers(network);
            try {
                peers.startAll(dir, calls, stun, publicIp);
                return peers;
            } catch (Exception | AssertionError e) {
                peers.close();
                throw e;
            }
        }

        private void startAll(Path dir, int calls, boolean stun, Optional<String> publicIp) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String pub = network.publicNs;

            if (stun) {
                startIn(pub, "stun", dir, List.of(java, "-XX:TieredStopAtLevel=1", "-cp", classpath,
                        "io.voiceagent.stun.StunResponder", TestNetwork.CARRIER_HOST, Integer.toString(STUN_PORT)));
            }
            Path config = dir.resolve("kamailio.cfg");
            KamailioProcess.writeConfig(config, Map.of("SIP_HOST", TestNetwork.CARRIER_HOST,
                    "SIP_PORT", Integer.toString(KAMAILIO_PORT), "REALM", REALM, "PASSWORD", PASSWORD,
                    "CALLEE_HOST", TestNetwork.CARRIER_HOST, "CALLEE_PORT", Integer.toString(PHONE_PORT), "LOGIN", LOGIN));
            kamailio = startIn(pub, "kamailio", dir, List.of(ExternalTool.KAMAILIO.require().toString(), "-DD", "-E",
                    "-f", config.toString(), "-Y", dir.toString(), "-w", dir.toString(), "-m", "32", "-M", "4"));
            Path scenario = SippScenario.named("invite-answered.xml").writeTo(dir);
            phone = startIn(pub, "phone", dir, List.of(ExternalTool.SIPP.require().toString(),
                    "-sf", scenario.toString(), "-i", TestNetwork.CARRIER_HOST, "-p", Integer.toString(PHONE_PORT),
                    "-mp", Integer.toString(PHONE_MEDIA_PORT), "-rtp_echo", "-m", Integer.toString(calls),
                    "-timeout", "90s", "-timeout_error", "-nostdin",
                    "-trace_err", "-error_file", dir.resolve("phone-errors.log").toString()));
            if (stun) {
                awaitBound(pub, STUN_PORT, "the STUN responder");
            }
            awaitBound(pub, KAMAILIO_PORT, "kamailio");
            awaitBound(pub, PHONE_PORT, "sipp");

            // ip netns exec passes the environment through; env -i keeps the host's settings out of the service.
            List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH"),
                    "HTTP_HOST=127.0.0.1", "HTTP_PORT=" + HTTP_PORT, "DATA_DIR=" + dir.resolve("data"),
                    "SIP_SERVER=" + TestNetwork.CARRIER_HOST + ":" + KAMAILIO_PORT, "SIP_DOMAIN=" + REALM,
                    "SIP_LOGIN=" + LOGIN, "SIP_PASSWORD=" + PASSWORD, "SIP_PORT_MIN=5060", "SIP_PORT_MAX=5070",
                    "RTP_PORT_MIN=" + RTP_PORT_MIN, "RTP_PORT_MAX=" + RTP_PORT_MAX,
                    "ELEVENLABS_AGENT_ID=netns-agent", "ELEVENLABS_API_KEY=xi-netns-key"));
            if (stun) {
                command.add("SIP_STUN_SERVER=" + TestNetwork.CARRIER_HOST + ":" + STUN_PORT);
            }
            publicIp.ifPresent(address -> command.add("SIP_PUBLIC_IP=" + address));
            command.addAll(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    ServiceWithFakeAgent.class.getName()));
            service = startIn(network.privateNs, "service", dir, command);
            healthAtRegistration = awaitRegistered();
        }

        private ForegroundProcess startIn(String ns, String name, Path dir, List<String> command) {
            ForegroundProcess process = ForegroundProcess.start(name, network.in(ns, command), dir);
            processes.add(process);
            return process;
        }

        private void awaitBound(String ns, int port, String what) throws Exception {
            long deadline = System.nanoTime() + START_WAIT.toNanos();
            while (!network.udpBound(ns, port)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + " did not bind UDP " + port + " in " + ns + logs());
                }
                Thread.sleep(50);
            }
        }

        /** {@code /health} as it first reads {@code registered}. */
        private Map<String, Object> awaitRegistered() throws Exception {
            long deadline = System.nanoTime() + START_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (service.awaitExit(Duration.ZERO).isPresent()) {
                    throw new AssertionError("the service exited" + logs());
                }
                Map<String, Object> health = apiOrEmpty("/health");
                if ("registered".equals(health.get("sip_registration"))) {
                    return health;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the service did not register within " + START_WAIT + logs());
        }

        List<Map<String, Object>> placeCallsAndAwaitTheirEnd(int calls) throws Exception {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                Map<String, Object> call = api("POST", "/api/calls/start", "{\"phone_number\":\"+7999123450" + i + "\"}");
                assertThat(call).as(call + logs()).containsKey("id");
                ids.add((String) call.get("id"));
            }
            List<Map<String, Object>> ended = new ArrayList<>();
            long deadline = System.nanoTime() + CALL_WAIT.toNanos();
            for (String id : ids) {
                Map<String, Object> call = api("GET", "/api/calls/" + id, null);
                while (call.get("ended_at") == null && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                    call = api("GET", "/api/calls/" + id, null);
                }
                assertThat(call.get("ended_at")).as("call " + id + " ended within " + CALL_WAIT + ": " + call + logs())
                        .isNotNull();
                ended.add(call);
            }
            return ended;
        }

        /** The c= address and m= port of every SDP we sent, read from the service's SIP message log. */
        List<InetSocketAddress> sdpEndpointsOffered() throws Exception {
            String sip = JSON.std.asString(api("GET", "/debug/sip", null));
            assertThat(sip).as("Contact and Via carry the public address").contains("@" + TestNetwork.ROUTER_PUBLIC_ADDRESS + ":")
                    .doesNotContain("c=IN IP4 " + TestNetwork.SERVICE_HOST);
            List<InetSocketAddress> ours = new ArrayList<>();
            for (Matcher sdp = SDP_MEDIA.matcher(sip); sdp.find(); ) {
                if (!sdp.group(1).equals(TestNetwork.CARRIER_HOST)) {
                    ours.add(InetSocketAddress.createUnresolved(sdp.group(1), Integer.parseInt(sdp.group(2))));
                }
            }
            assertThat(ours).as("our INVITE's SDP in /debug/sip: " + sip).isNotEmpty();
            return ours;
        }

        void assertPhoneCallsSucceeded() throws InterruptedException {
            OptionalInt exit = phone.awaitExit(Duration.ofSeconds(20));
            assertThat(exit).as("sipp's exit code (0: every call succeeded)" + logs()).hasValue(0);
        }

        Map<String, Object> api(String method, String path, String body) throws Exception {
            List<String> curl = new ArrayList<>(List.of("curl", "-sS", "-m", "5", "-X", method));
            if (body != null) {
                curl.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
            }
            curl.add("http://127.0.0.1:" + HTTP_PORT + path);
            String answer = network.runIn(network.privateNs, curl.toArray(String[]::new));
            return JSON.std.mapFrom(answer);
        }

        private Map<String, Object> apiOrEmpty(String path) {
            try {
                return api("GET", path, null);
            } catch (Exception e) {
                return Map.of(); // not listening yet
            }
        }

        Map<String, Object> healthAtRegistration() {
            return healthAtRegistration;
        }

        /** Waits until the service has logged {@code text}; returns its whole log. */
        String awaitServiceLog(String text) throws InterruptedException {
            long deadline = System.nanoTime() + START_WAIT.toNanos();
            String log = service.stderrTail(Integer.MAX_VALUE);
            while (!log.contains(text) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                log = service.stderrTail(Integer.MAX_VALUE);
            }
            return log;
        }

        String logs() {
            StringBuilder out = new StringBuilder();
            for (ForegroundProcess process : processes) {
                out.append("\n--- ").append(process.commandLine().replaceAll("-cp \\S+", "-cp ...")).append("\n")
                        .append(process.stdoutTail(3_000)).append(process.stderrTail(6_000));
            }
            return out.toString();
        }

        @Override
        public void close() {
            for (int i = processes.size() - 1; i >= 0; i--) {
                processes.get(i).close();
            }
        }
    }
}
