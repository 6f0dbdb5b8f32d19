package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the carrier from a raw-string SIP UA and a raw RTP socket, one dialled number per outcome. */
@Tag("slow")
class CallOutcomesByNumberTest {

    private DemoCarrier carrier;
    private TestUa ua;
    private DatagramSocket rtp;
    private int cseq = 1;

    @BeforeEach
    void start() throws Exception {
        carrier = DemoCarrier.start(RegistrationWithDigestTest.testOptions()
                .withMidCallHangupAfter(Duration.ofMillis(600)));
        ua = new TestUa(carrier.port());
        rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        rtp.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        rtp.close();
        ua.close();
        carrier.close();
    }

    private String offer() {
        return "v=0\r\n"
                + "o=test 2890844526 2890844526 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
    }

    private String invite(String number, String callId, String branch, String proxyAuthorization) {
        String body = offer();
        return "INVITE sip:" + number + "@demo.voiceagent.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:" + number + "@demo.voiceagent.local>\r\n"
                + "From: \"Alice\" <sip:alice@demo.voiceagent.local>;tag=1928301774\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " INVITE\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + ua.port + ">\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n")
                + "Content-Type: application/sdp\r\n"
                + TestUa.contentLength(body);
    }

    /** The ACK for a final response: same branch for non-2xx, a new one for 2xx (RFC 3261 §17.1.1.3, §13.2.2.4). */
    private String ack(String number, String callId, String branch, String response) {
        return "ACK sip:" + number + "@demo.voiceagent.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: " + TestUa.header(response, "To") + "\r\n"
                + "From: \"Alice\" <sip:alice@demo.voiceagent.local>;tag=1928301774\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " ACK\r\n"
                + TestUa.contentLength("");
    }

    /** INVITE, 407, ACK, INVITE with credentials; returns the branch of the authenticated INVITE. */
    private String inviteWithCredentials(String number, String callId) throws IOException {
        String firstBranch = TestUa.newBranch();
        ua.send(invite(number, callId, firstBranch, null));
        String challenge = ua.receive();
        assertThat(challenge).startsWith("SIP/2.0 407 Proxy Authentication Required\r\n");
        ua.send(ack(number, callId, firstBranch, challenge));
        cseq++;
        String branch = TestUa.newBranch();
        String uri = "sip:" + number + "@demo.voiceagent.local";
        ua.send(invite(number, callId, branch, TestUa.authorization(
                TestUa.header(challenge, "Proxy-Authenticate"), "alice", "s3cret", "INVITE", uri)));
        return branch;
    }

    @Test
    void normalNumberRingsAnswersWithPcmaTalksAndHangsUpAfterTheGoodbye() throws Exception {
        String callId = "a84b4c76e66710@pc33.atlanta.com";
        inviteWithCredentials("+79990001122", callId);
        assertThat(ua.receive()).startsWith("SIP/2.0 100 Trying\r\n");
        String ringing = ua.receive();
        assertThat(ringing).startsWith("SIP/2.0 180 Ringing\r\n");
        String ok = ua.receive();
        assertThat(ok).startsWith("SIP/2.0 200 OK\r\n");
        assertThat(TestUa.header(ok, "To")).isEqualTo(TestUa.header(ringing, "To")).contains(";tag=");
        assertThat(TestUa.header(ok, "CSeq")).isEqualTo("2 INVITE");
        assertThat(TestUa.header(ok, "Contact")).startsWith("<sip:+79990001122@127.0.0.1:" + carrier.port());
        String answer = TestUa.body(ok);
        assertThat(answer).contains("m=audio ").contains(" RTP/AVP 8 101\r\n").contains("a=rtpmap:8 PCMA/8000")
                .doesNotContain("PCMU");
        assertThat(Integer.parseInt(TestUa.header(ok, "Content-Length"))).isEqualTo(answer.length());

        // No ACK yet: the 200 OK comes again after T1.
        assertThat(ua.receive()).isEqualTo(ok);
        ua.send(ack("+79990001122", callId, TestUa.newBranch(), ok));
        awaitNoRetransmissionPending(); // the ACK stopped the 200's retransmissions

        Matcher port = Pattern.compile("m=audio (\\d+) ").matcher(answer);
        assertThat(port.find()).isTrue();
        InetSocketAddress phone = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
        SimulatedPhone simulated = carrier.phones().getFirst();
        assertThat(simulated.localPort()).isEqualTo(phone.getPort());
        assertThat(simulated.codec()).isEqualTo("PCMA");
        assertThat(simulated.callId()).isEqualTo(callId);

        RtpSender agent = new RtpSender(rtp, phone);
        Thread sender = Thread.ofVirtual().start(agent);
        try {
            agent.say(TestAudio.speechLikeALaw(600)); // the greeting
            List<byte[]> heard = receiveSpeech(); // the phone's phrase, once the greeting has ended
            assertThat(heard).hasSizeGreaterThanOrEqualTo(400 / 20 - 1);
            agent.say(TestAudio.speechLikeALaw(300)); // "goodbye"

            String bye = ua.receiveUntil("BYE ");
            assertThat(bye).startsWith("BYE sip:alice@127.0.0.1:" + ua.port + " SIP/2.0\r\n");
            assertThat(TestUa.header(bye, "From")).contains(TestUa.param(TestUa.header(ok, "To"), "tag"));
            assertThat(TestUa.header(bye, "To")).contains("tag=1928301774");
            assertThat(TestUa.header(bye, "Call-ID")).isEqualTo(callId);
            assertThat(TestUa.header(bye, "Via")).contains("branch=z9hG4bK");
            ua.send(okTo(bye));
            assertThat(simulated.awaitEnd(Duration.ofSeconds(2))).isTrue();
        } finally {
            agent.stop();
            sender.join();
        }
        assertThat(simulated.ending()).contains(SimulatedPhone.Ending.PHONE_HUNG_UP);
        assertThat(simulated.stage()).isEqualTo(SimulatedPhone.Stage.FINISHED);
        assertThat(simulated.greetingLatency()).as("the greeting was heard (its delay is a bench figure)").isPresent();
        assertThat(simulated.packetsReceived()).isGreaterThan(40);
        assertThat(simulated.packetsLost()).isZero();
        assertThat(simulated.packetsDuplicated()).isZero();
        short[] audio = simulated.receivedAudio();
        assertThat(audio.length).isEqualTo(simulated.packetsReceived() * 160);
        assertThat(Arrays.stream(toInts(audio)).map(Math::abs).max().orElse(0)).isGreaterThan(6000);
        awaitNoRetransmissionPending(); // the BYE is not retransmitted once answered
    }

    @Test
    void aTwoHundredNeverAcknowledgedIsRetransmittedThenEndedWithBye() throws Exception {
        carrier.close();
        ua.close();
        carrier = DemoCarrier.start(RegistrationWithDigestTest.testOptions()
                .withTimers(new DemoCarrierOptions.Timers(Duration.ofMillis(20), Duration.ofMillis(80))));
        ua = new TestUa(carrier.port());
        inviteWithCredentials("+79990001122", "no-ack@test");
        String ok = ua.receiveUntil("200 OK");

        int retransmissions = 0;
        String next;
        while ((next = ua.receive()).startsWith("SIP/2.0 200 OK")) {
            assertThat(next).isEqualTo(ok);
            retransmissions++;
        }

        assertThat(next).startsWith("BYE ");
        assertThat(retransmissions).isBetween(7, 18); // 20, 40, 80, 80, ... ms until 64·T1 = 1.28 s
        assertThat(carrier.phones().getFirst().ending()).contains(SimulatedPhone.Ending.PHONE_HUNG_UP);
    }

    @Test
    void theMaxCallLengthBoundsEveryCall() throws Exception {
        carrier.close();
        ua.close();
        carrier = DemoCarrier.start(RegistrationWithDigestTest.testOptions().withMaxCallLength(Duration.ofMillis(500)));
        ua = new TestUa(carrier.port());

        inviteWithCredentials("+79990001122", "max-length@test");
        String ok = ua.receiveUntil("200 OK");
        ua.send(ack("+79990001122", "max-length@test", TestUa.newBranch(), ok));
        assertThat(ua.receiveUntil("BYE ")).contains("Call-ID: max-length@test");

        cseq = 1;
        String ringingBranch = inviteWithCredentials("+79990000002", "never-answered@test");
        String unavailable = ua.receiveUntil("480 ");
        assertThat(unavailable).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n");
        ua.send(ack("+79990000002", "never-answered@test", ringingBranch, unavailable));
    }

    @Test
    void busyNumberRingsThenAnswers486() throws Exception {
        String branch = inviteWithCredentials("+79990000001", "busy@test");
        assertThat(ua.receive()).startsWith("SIP/2.0 100 Trying\r\n");
        assertThat(ua.receive()).startsWith("SIP/2.0 180 Ringing\r\n");
        String busy = ua.receive();
        assertThat(busy).startsWith("SIP/2.0 486 Busy Here\r\n");
        assertThat(ua.receive()).as("retransmitted until ACK").isEqualTo(busy);
        ua.send(ack("+79990000001", "busy@test", branch, busy));
        awaitNoRetransmissionPending();
        assertThat(carrier.phones()).isEmpty();
    }

    @Test
    void noAnswerNumberRingsUntilCancelledThen487() throws Exception {
        String callId = "no-answer@test";
        String branch = inviteWithCredentials("+79990000002", callId);
        assertThat(ua.receive()).startsWith("SIP/2.0 100 Trying\r\n");
        String ringing = ua.receive();
        assertThat(ringing).startsWith("SIP/2.0 180 Ringing\r\n");
        // No waiting to see that nothing else comes: the 487 below can only answer an INVITE still ringing.

        ua.send("CANCEL sip:+79990000002@demo.voiceagent.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:+79990000002@demo.voiceagent.local>\r\n"
                + "From: \"Alice\" <sip:alice@demo.voiceagent.local>;tag=1928301774\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " CANCEL\r\n"
                + TestUa.contentLength(""));
        List<String> replies = List.of(ua.receive(), ua.receive());
        assertThat(replies).anySatisfy(r -> assertThat(r).startsWith("SIP/2.0 200 OK\r\n").contains("CANCEL"));
        String terminated = replies.stream().filter(r -> r.startsWith("SIP/2.0 487")).findFirst().orElseThrow();
        assertThat(TestUa.header(terminated, "CSeq")).isEqualTo(cseq + " INVITE");
        ua.send(ack("+79990000002", callId, branch, terminated));
        awaitNoRetransmissionPending();
    }

    @Test
    void hangupNumberSendsByeSoonAfterAnswering() throws Exception {
        String callId = "hangup@test";
        inviteWithCredentials("+79990000003", callId);
        String ok = ua.receiveUntil("200 OK");
        ua.send(ack("+79990000003", callId, TestUa.newBranch(), ok));
        long answeredAt = System.nanoTime();

        String bye = ua.receiveUntil("BYE ");

        // Not before the phone's hang-up delay; how soon after it is a matter of the machine's load.
        assertThat(Duration.ofNanos(System.nanoTime() - answeredAt)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        String retransmitted = ua.receiveUntil("BYE ");
        assertThat(retransmitted).as("BYE retransmitted until answered").isEqualTo(bye);
        ua.send(okTo(bye));
        assertThat(carrier.phones().getFirst().awaitEnd(Duration.ofSeconds(1))).isTrue();
        assertThat(carrier.phones().getFirst().ending()).contains(SimulatedPhone.Ending.PHONE_HUNG_UP);
    }

    @Test
    void invalidNumberIsNotFound() throws Exception {
        String branch = inviteWithCredentials("+79990000004", "invalid@test");
        assertThat(ua.receive()).startsWith("SIP/2.0 100 Trying\r\n");
        String notFound = ua.receive();
        assertThat(notFound).startsWith("SIP/2.0 404 Not Found\r\n");
        ua.send(ack("+79990000004", "invalid@test", branch, notFound));
    }

    @Test
    void byeFromTheCallerEndsThePhonesCall() throws Exception {
        String callId = "caller-bye@test";
        inviteWithCredentials("+79990001122", callId);
        String ok = ua.receiveUntil("200 OK");
        ua.send(ack("+79990001122", callId, TestUa.newBranch(), ok));
        cseq++;
        String bye = "BYE sip:+79990001122@127.0.0.1:" + carrier.port() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + TestUa.newBranch() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: " + TestUa.header(ok, "To") + "\r\n"
                + "From: \"Alice\" <sip:alice@demo.voiceagent.local>;tag=1928301774\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " BYE\r\n"
                + TestUa.contentLength("");
        ua.send(bye);

        assertThat(ua.receive()).startsWith("SIP/2.0 200 OK\r\n").contains("CSeq: " + cseq + " BYE");
        SimulatedPhone phone = carrier.phones().getFirst();
        assertThat(phone.awaitEnd(Duration.ofSeconds(1))).isTrue();
        assertThat(phone.ending()).contains(SimulatedPhone.Ending.CALLER_HUNG_UP);
        ua.send(bye);
        assertThat(ua.receive()).as("a retransmitted BYE is answered again").startsWith("SIP/2.0 200 OK\r\n");
        assertThat(portIsFreedSoon(phone.localPort())).as("the phone's RTP socket is closed").isTrue();
    }

    @Test
    void closingTheCarrierEndsItsCallsAndStopsItsThreads() throws Exception {
        inviteWithCredentials("+79990001122", "shutdown@test");
        String ok = ua.receiveUntil("200 OK");
        ua.send(ack("+79990001122", "shutdown@test", TestUa.newBranch(), ok));
        SimulatedPhone phone = carrier.phones().getFirst();

        carrier.close();

        assertThat(phone.ending()).contains(SimulatedPhone.Ending.CARRIER_SHUT_DOWN);
        assertThat(portIsFreedSoon(phone.localPort())).isTrue();
        assertThat(portIsFreedSoon(carrier.port())).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("demo-carrier"));
    }

    private static boolean portIsFreedSoon(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                return probe.isBound();
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    @Test
    void aSecondWrongPasswordOnInviteIsForbidden() throws Exception {
        String callId = "wrong-invite@test";
        String branch = TestUa.newBranch();
        ua.send(invite("+79990001122", callId, branch, null));
        String challenge = ua.receive();
        ua.send(ack("+79990001122", callId, branch, challenge));
        String uri = "sip:+79990001122@demo.voiceagent.local";
        for (String expected : List.of("SIP/2.0 407 ", "SIP/2.0 403 Forbidden\r\n")) {
            cseq++;
            branch = TestUa.newBranch();
            ua.send(invite("+79990001122", callId, branch, TestUa.authorization(
                    TestUa.header(challenge, "Proxy-Authenticate"), "alice", "guess", "INVITE", uri)));
            challenge = ua.receive();
            assertThat(challenge).startsWith(expected);
            ua.send(ack("+79990001122", callId, branch, challenge));
        }
        assertThat(carrier.phones()).isEmpty();
    }

    @Test
    void reInviteInTheDialogIsAnsweredWithTheSameDescription() throws Exception {
        String callId = "reinvite@test";
        inviteWithCredentials("+79990001122", callId);
        String ok = ua.receiveUntil("200 OK");
        ua.send(ack("+79990001122", callId, TestUa.newBranch(), ok));
        cseq++;
        String reInvite = invite("+79990001122", callId, TestUa.newBranch(), null)
                .replace("To: <sip:+79990001122@demo.voiceagent.local>", "To: " + TestUa.header(ok, "To"));

        ua.send(reInvite);
        String refreshed = ua.receive();

        assertThat(refreshed).startsWith("SIP/2.0 200 OK\r\n");
        assertThat(TestUa.header(refreshed, "CSeq")).isEqualTo(cseq + " INVITE");
        assertThat(TestUa.body(refreshed)).isEqualTo(TestUa.body(ok));
        ua.send(ack("+79990001122", callId, TestUa.newBranch(), refreshed));
    }

    @Test
    void optionsIsAnsweredWithWhatTheCarrierAllows() throws Exception {
        ua.send("OPTIONS sip:demo.voiceagent.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";branch=" + TestUa.newBranch() + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:demo.voiceagent.local>\r\n"
                + "From: <sip:alice@demo.voiceagent.local>;tag=1928301774\r\n"
                + "Call-ID: options@test\r\n"
                + "CSeq: 63104 OPTIONS\r\n"
                + TestUa.contentLength(""));

        String response = ua.receive();

        assertThat(response).startsWith("SIP/2.0 200 OK\r\n");
        assertThat(TestUa.header(response, "Allow")).contains("INVITE", "BYE", "CANCEL", "REGISTER");
        assertThat(TestUa.header(response, "Via")).contains("received=127.0.0.1");
    }

    private static String okTo(String request) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            response.append(name).append(": ").append(TestUa.header(request, name)).append("\r\n");
        }
        return response.append(TestUa.contentLength("")).toString();
    }

    /** RTP payloads from the phone, from its first loud packet until the next quiet one. */
    private List<byte[]> receiveSpeech() throws IOException {
        List<byte[]> speech = new ArrayList<>();
        byte[] buffer = new byte[2048];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                rtp.receive(packet);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the phone never finished its phrase; heard " + speech.size() + " frames");
            }
            assertThat(buffer[0] & 0xC0).as("RTP version 2").isEqualTo(0x80);
            assertThat(buffer[1] & 0x7F).as("PCMA payload type").isEqualTo(8);
            byte[] payload = Arrays.copyOfRange(buffer, 12, packet.getLength());
            boolean loud = TestAudio.aLawLoudness(payload) > 1000;
            if (loud) {
                speech.add(payload);
            } else if (!speech.isEmpty()) {
                return speech;
            }
        }
    }

    private static int[] toInts(short[] samples) {
        int[] out = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i];
        }
        return out;
    }

    /** The agent's side of RTP: a packet every 20 ms, what was queued to say or else A-law silence. */
    private static final class RtpSender implements Runnable {
        private final DatagramSocket socket;
        private final InetSocketAddress to;
        private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        RtpSender(DatagramSocket socket, InetSocketAddress to) {
            this.socket = socket;
            this.to = to;
        }

        void say(byte[] aLaw) {
            for (int i = 0; i + 160 <= aLaw.length; i += 160) {
                frames.add(Arrays.copyOfRange(aLaw, i, i + 160));
            }
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            int sequence = 1000;
            long timestamp = 5000;
            long next = System.nanoTime();
            byte[] silence = new byte[160];
            Arrays.fill(silence, (byte) 0xD5);
            while (running) {
                byte[] frame = frames.poll();
                ByteBuffer packet = ByteBuffer.allocate(172).put((byte) 0x80).put((byte) 8)
                        .putShort((short) sequence++).putInt((int) timestamp).putInt(0x1234abcd)
                        .put(frame == null ? silence : frame);
                timestamp += 160;
                try {
                    socket.send(new DatagramPacket(packet.array(), packet.position(), to));
                } catch (IOException e) {
                    return;
                }
                next += 20_000_000;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        Thread.sleep(Duration.ofNanos(sleep));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Until the carrier has no retransmission scheduled: from then on it sends nothing of its own accord.
     * (Copies sent before the ACK or answer was handled may still be on their way; they are not news.)
     */
    private void awaitNoRetransmissionPending() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (carrier.retransmissionsPending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(carrier.retransmissionsPending()).as("retransmissions still scheduled").isZero();
    }
}
