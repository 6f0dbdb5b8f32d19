package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The phone's RTP on the wire (RFC 3550 §5.1), without SIP: a socket plays the service. */
class SimulatedPhoneRtpTest {

    private record Received(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, byte[] payload,
                            long atNanos) {
    }

    private DatagramSocket service;
    private PacingClock pacer;
    private RtpReceiver receiver;
    private SimulatedPhone phone;

    @BeforeEach
    void start() throws Exception {
        service = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        service.setSoTimeout(2000);
        pacer = new PacingClock(System::nanoTime);
        receiver = new RtpReceiver(System::nanoTime);
        SdpNegotiation.Agreed media = new SdpNegotiation.Agreed(
                new InetSocketAddress("127.0.0.1", service.getLocalPort()), G711.Law.MU_LAW, 0, 101);
        phone = SimulatedPhone.open("rtp-test@test", "+79990001122", media, RegistrationWithDigestTest.testOptions(),
                Duration.ofSeconds(30), () -> { }, RtpProbe.NONE);
        phone.start(pacer, receiver);
    }

    @AfterEach
    void stop() {
        phone.end(SimulatedPhone.Ending.CARRIER_SHUT_DOWN);
        receiver.close();
        pacer.close();
        service.close();
    }

    private Received receive() throws Exception {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        service.receive(packet);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, packet.getLength());
        assertThat(b.get(0) & 0xFF).as("V=2, no padding, extension or CSRC").isEqualTo(0x80);
        byte[] payload = new byte[packet.getLength() - 12];
        b.get(12, payload);
        return new Received((b.get(1) & 0x80) != 0, b.get(1) & 0x7F, b.getShort(2) & 0xFFFF,
                b.getInt(4) & 0xFFFFFFFFL, b.getInt(8) & 0xFFFFFFFFL, payload, System.nanoTime());
    }

    private static boolean isSilent(byte[] muLaw) {
        for (byte b : muLaw) {
            if (b != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    @Test
    void sendsSilenceEvery20msWithConsecutiveSequenceAndTimestamps() throws Exception {
        List<Received> packets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            packets.add(receive());
        }

        for (int i = 1; i < packets.size(); i++) {
            Received previous = packets.get(i - 1);
            Received current = packets.get(i);
            assertThat(current.sequence()).isEqualTo((previous.sequence() + 1) & 0xFFFF);
            assertThat(current.timestamp()).isEqualTo((previous.timestamp() + 160) & 0xFFFFFFFFL);
            assertThat(current.ssrc()).isEqualTo(previous.ssrc());
        }
        assertThat(packets).allSatisfy(p -> {
            assertThat(p.payloadType()).isZero();
            assertThat(p.payload()).hasSize(160).containsOnly((byte) 0xFF);
            assertThat(p.marker()).isFalse();
        });
        Duration span = Duration.ofNanos(packets.getLast().atNanos() - packets.getFirst().atNanos());
        // Paced, not sent in a burst: no faster than real time. How closely it keeps time is the bench's to measure.
        assertThat(span).as("49 intervals of 20 ms").isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void saysItsPhraseWithTheMarkerBitOnceTheGreetingEnds() throws Exception {
        InetSocketAddress phoneAddress = new InetSocketAddress("127.0.0.1", phone.localPort());
        byte[] greeting = TestAudio.speechLike(200);
        for (int i = 0; i < greeting.length / 160; i++) {
            ByteBuffer packet = ByteBuffer.allocate(172).put((byte) 0x80).put((byte) 0).putShort((short) i)
                    .putInt(i * 160).putInt(42).put(greeting, i * 160, 160);
            service.send(new DatagramPacket(packet.array(), 172, phoneAddress));
        }

        Received first;
        do {
            first = receive();
        } while (isSilent(first.payload()));

        assertThat(first.marker()).as("start of a talkspurt").isTrue();
        assertThat(receive().marker()).isFalse();
        assertThat(phone.stage()).isEqualTo(SimulatedPhone.Stage.SPEAKING);
        assertThat(phone.packetsReceived()).isEqualTo(10);
        assertThat(phone.greetingLatency()).isPresent();
        assertThat(phone.receivedAudio()).hasSize(1600);
    }
}
