package io.voiceagent.media;

import io.voiceagent.config.TestConfigs;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A real UDP socket on loopback plays the phone; the engine runs on the real clock. */
class MediaEngineLoopbackTest {

    private MediaEngine engine;
    private DatagramSocket phone;

    @BeforeEach
    void start() throws Exception {
        int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
        engine = TestMediaEngines.onLoopback(TestConfigs.rtp(base, base + 40, Duration.ofSeconds(30)),
                System::nanoTime, new SplittableRandom(7), new ServiceMetrics());
        phone = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        phone.setSoTimeout(2000);
    }

    @AfterEach
    void stop() {
        engine.close();
        phone.close();
    }

    @Test
    void agentAudioReachesThePhoneAndCallerAudioReachesTheAgent() throws Exception {
        RecordingListener listener = new RecordingListener();
        MediaSession session = engine.open("call-1", 20, listener);
        assertThat(session.localPort() % 2).isZero();
        session.connect(Remotes.sendrecv(new InetSocketAddress(InetAddress.getLoopbackAddress(), phone.getLocalPort()), 0, 101));
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        byte[] greeting = new byte[800];
        for (int i = 0; i < greeting.length; i++) {
            greeting[i] = (byte) (i % 100);
        }
        session.playAgentAudio(greeting);
        session.answered();

        List<RtpPacket> received = new ArrayList<>();
        byte[] buffer = new byte[1500];
        while (received.stream().noneMatch(p -> p.payload()[0] == 0) || received.size() < 12) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            phone.receive(datagram);
            received.add(RtpPacket.parse(buffer, 0, datagram.getLength()).orElseThrow());
        }
        int first = -1;
        for (int i = 0; i < received.size(); i++) {
            if (received.get(i).payload()[0] == 0 && received.get(i).payload()[1] == 1) {
                first = i;
                break;
            }
        }
        assertThat(first).as("first greeting packet").isGreaterThanOrEqualTo(0);
        assertThat(received.get(first).marker()).isTrue();
        byte[] played = new byte[800];
        for (int k = 0; k < 5; k++) {
            RtpPacket packet = received.get(first + k);
            System.arraycopy(packet.payload(), 0, played, 160 * k, 160);
            if (k > 0) {
                assertThat(packet.marker()).isFalse();
            }
        }
        assertThat(played).isEqualTo(greeting);
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i).sequenceNumber()).isEqualTo((received.get(i - 1).sequenceNumber() + 1) & 0xFFFF);
            // +160 per packet; on an overloaded machine the clock may skip a tick rather than burst.
            long step = (received.get(i).timestamp() - received.get(i - 1).timestamp()) & 0xFFFF_FFFFL;
            assertThat(step % 160).isZero();
            assertThat(step).isPositive();
        }

        InetSocketAddress engineAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), session.localPort());
        byte[] spoken = new byte[160 * 10];
        for (int i = 0; i < spoken.length; i++) {
            spoken[i] = (byte) (i * 7);
        }
        for (int k = 0; k < 10; k++) {
            byte[] payload = Arrays.copyOfRange(spoken, 160 * k, 160 * (k + 1));
            byte[] wire = RtpPacket.of(k == 0, 0, 1000 + k, 5000 + 160L * k, 0x1234, payload).toBytes();
            phone.send(new DatagramPacket(wire, wire.length, engineAddress));
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        // Until the phone speaks, the agent hears silence every 20 ms; what the phone said follows.
        while (spokenChunks(listener).size() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        java.io.ByteArrayOutputStream heard = new java.io.ByteArrayOutputStream();
        spokenChunks(listener).forEach(heard::writeBytes);
        assertThat(heard.toByteArray()).isEqualTo(spoken);
        assertThat(listener.firstPackets.get()).isEqualTo(1);
        MediaStats stats = session.stats();
        assertThat(stats.packetsIn()).isEqualTo(10);
        assertThat(stats.bytesIn()).isEqualTo(1600);
        assertThat(stats.packetsOut()).isGreaterThanOrEqualTo(received.size());
        assertThat(stats.aiAudioSentMs()).isGreaterThanOrEqualTo(200);
        assertThat(stats.aiAudioReceivedMs()).isEqualTo(100);

        session.close();
        assertThat(engine.portsInUse()).isZero();
        assertThat(engine.openSessions()).isZero();
    }

    private static List<byte[]> spokenChunks(RecordingListener listener) {
        return listener.userAudio.stream().filter(chunk -> !isSilence(chunk)).toList();
    }

    private static boolean aChunkFollowsTheFirstSpokenOne(RecordingListener listener) {
        List<byte[]> chunks = List.copyOf(listener.userAudio);
        for (int i = 0; i < chunks.size() - 1; i++) {
            if (!isSilence(chunks.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSilence(byte[] chunk) {
        for (byte b : chunk) {
            if (b != G711.ULAW_SILENCE) {
                return false;
            }
        }
        return true;
    }

    @Test
    void anALawLineIsTranscodedBothWaysForAMuLawAgent() throws Exception {
        RecordingListener listener = new RecordingListener();
        MediaSession session = engine.open("call-2", 40, listener);
        session.connect(Remotes.sendrecv(new InetSocketAddress(InetAddress.getLoopbackAddress(), phone.getLocalPort()), 8, -1));
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.answered();
        byte[] ulaw = new byte[160];
        Arrays.fill(ulaw, (byte) 0x20);
        session.playAgentAudio(ulaw);
        byte[] buffer = new byte[1500];
        RtpPacket packet;
        do {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            phone.receive(datagram);
            packet = RtpPacket.parse(buffer, 0, datagram.getLength()).orElseThrow();
            assertThat(packet.payloadType()).isEqualTo(8);
        } while (!packet.marker());
        assertThat(packet.payload()).containsOnly(G711.ulawToAlaw((byte) 0x20));

        InetSocketAddress engineAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), session.localPort());
        byte[] alaw = new byte[160];
        Arrays.fill(alaw, (byte) 0x35);
        for (int k = 0; k < 2; k++) {
            byte[] wire = RtpPacket.of(false, 8, 7 + k, 160L * k, 99, alaw).toBytes();
            phone.send(new DatagramPacket(wire, wire.length, engineAddress));
        }
        // Until a chunk has come after the spoken one: whatever those two packets made has reached the agent.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!aChunkFollowsTheFirstSpokenOne(listener) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(aChunkFollowsTheFirstSpokenOne(listener)).isTrue();
        assertThat(listener.userAudio).allSatisfy(chunk -> assertThat(chunk).hasSize(320));
        byte[] heard = listener.allUserAudio();
        int spokenBytes = 0;
        byte lineSilence = G711.alawToUlaw(G711.ALAW_SILENCE);
        for (byte b : heard) {
            // Silence is the line's (A-law's, transcoded) or, should the pacing clock tick between
            // setAgentFormats and answered, the silence the agent is fed while the phone rings, in its
            // own μ-law (a fresh clone failed on that in CI, 1 run in many).
            if (b != lineSilence && b != G711.ULAW_SILENCE) {
                assertThat(b).isEqualTo(G711.alawToUlaw((byte) 0x35));
                spokenBytes++;
            }
        }
        assertThat(spokenBytes).isEqualTo(320);
    }
}
