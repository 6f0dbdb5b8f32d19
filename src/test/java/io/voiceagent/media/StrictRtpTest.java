package io.voiceagent.media;

import io.voiceagent.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.voiceagent.media.FakeClockMedia.addressOf;
import static io.voiceagent.media.FakeClockMedia.await;
import static io.voiceagent.media.FakeClockMedia.receive;
import static io.voiceagent.media.FakeClockMedia.stream;
import static io.voiceagent.media.FakeClockMedia.waiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gets into a call, through real sockets: the phone (at its SDP address or a port next to it),
 * never a stranger spraying the port range; the answered media over the early media's source.
 * Strangers sit on other loopback addresses (other hosts), the phone on 127.0.0.1.
 */
class StrictRtpTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(30), Duration.ofSeconds(600));
    private MediaSession session;

    @AfterEach
    void close() {
        media.close();
    }

    private MediaSession open() throws Exception {
        session = media.engine.open("call", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        return session;
    }

    /** Sends from {@code attacker} to every port of the engine's range, the way a scanner does. */
    private void spray(DatagramSocket attacker, int packetsPerPort, int firstSequence) throws Exception {
        int port = session.localPort();
        for (int offset = -40; offset <= 40; offset += 2) {
            if (port + offset > 0) {
                stream(attacker, port + offset, 0xBAD, firstSequence, packetsPerPort, 0x55);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private long rejected(String reason) {
        return (Long) ((Map<String, Object>) session.debug().get("rejected")).get(reason);
    }

    /** Every packet the session sent so far reached {@code phone}: none went anywhere else. */
    private void everyPacketWentTo(DatagramSocket phone, int alreadyRead) throws Exception {
        long sent = session.stats().packetsOut();
        assertThat(sent).isGreaterThan(alreadyRead);
        receive(phone, (int) (sent - alreadyRead));
    }

    @Test
    void aStrangerSprayingTheRangeWhileItRingsAndMidCallNeitherHearsTheAgentNorReachesIt() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        DatagramSocket attacker = media.host("127.0.0.66");
        open().connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.playAgentAudio(FakeClockMedia.filled(1600, 0x10));

        spray(attacker, 10, 0);
        await(() -> rejected("foreign_source") >= 10);
        media.advance(200);
        everyPacketWentTo(phone, 0);
        int read = (int) session.stats().packetsOut();

        session.answered();
        spray(attacker, 10, 10);
        media.advance(100);
        stream(phone, session.localPort(), 7, 0, 3, 0x21);
        await(() -> media.agentHeard(0x21));
        spray(attacker, 10, 20);
        media.advance(100);
        everyPacketWentTo(phone, read);
        // Every stranger's packet handled (anything sent back would be waiting on its socket by now).
        await(() -> rejected("foreign_source") == 30);

        assertThat(waiting(attacker)).as("the stranger got nothing").isEmpty();
        assertThat(media.agentHeard(0x55)).as("the agent never heard the stranger").isFalse();
        assertThat(rejected("foreign_source")).isEqualTo(30);
        assertThat(session.stats().rejected().foreignSource()).isEqualTo(30);
    }

    @Test
    void aPhoneWhoseRtpComesFromAnotherPortThanItsSdpStillTalks() throws Exception {
        DatagramSocket sdpPort = media.host("127.0.0.1");
        DatagramSocket realPort = media.host("127.0.0.1");
        open().connect(Remotes.sendrecv(addressOf(sdpPort), 0, 101));
        session.answered();
        media.advance(20);
        everyPacketWentTo(sdpPort, 0);

        stream(realPort, session.localPort(), 9, 100, 3, 0x31);
        await(() -> rejected("learning") == 3);
        stream(realPort, session.localPort(), 9, 103, 2, 0x32);
        await(() -> media.agentHeard(0x32));
        assertThat(media.agentHeard(0x31)).as("packets before adoption are dropped").isFalse();

        session.playAgentAudio(FakeClockMedia.filled(160, 0x44));
        media.advance(20);
        List<byte[]> back = receive(realPort, 1);
        assertThat(RtpPacket.parse(back.get(0)).orElseThrow().payload()).containsOnly(0x44);
    }

    @Test
    void earlyMediaFromOneSourceThenTheAnswerFromAnotherWorks() throws Exception {
        DatagramSocket ringbackServer = media.host("127.0.0.9");
        DatagramSocket phone = media.host("127.0.0.1");
        open().connect(Remotes.sendrecv(addressOf(ringbackServer), 0, 101));
        stream(ringbackServer, session.localPort(), 1, 0, 5, 0x61);
        await(() -> session.stats().packetsIn() == 5);
        media.advance(40);
        everyPacketWentTo(ringbackServer, 0);
        int toRingback = (int) session.stats().packetsOut();

        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.answered();
        stream(ringbackServer, session.localPort(), 1, 5, 5, 0x62);
        stream(phone, session.localPort(), 2, 0, 2, 0x63);
        await(() -> media.agentHeard(0x63));
        media.advance(100);
        everyPacketWentTo(phone, toRingback);
        assertThat(media.agentHeard(0x62)).isFalse();
        assertThat(rejected("foreign_source")).isEqualTo(5);
        assertThat(session.debug()).containsEntry("latched_remote", io.voiceagent.net.SocketAddresses.hostPort(addressOf(phone)));
    }

    @Test
    void malformedPacketsAreCountedAndDropped() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        open().connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        FakeClockMedia.sendBytes(phone, new byte[] {0x00, 0x01, 0x02}, session.localPort());
        await(() -> rejected("malformed") == 1);
        assertThat(session.stats().packetsIn()).isZero();
    }
}
