package io.voiceagent.media;

import io.voiceagent.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static io.voiceagent.media.FakeClockMedia.addressOf;
import static io.voiceagent.media.FakeClockMedia.await;
import static io.voiceagent.media.FakeClockMedia.receive;
import static io.voiceagent.media.FakeClockMedia.stream;
import static org.assertj.core.api.Assertions.assertThat;

/** A far end that holds the call (RFC 3264 section 8.4) and resumes it, on a fake clock. */
class HoldTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(2), Duration.ofSeconds(10));
    private DatagramSocket phone;
    private MediaSession session;

    @BeforeEach
    void answeredCall() throws Exception {
        phone = media.host("127.0.0.1");
        session = media.engine.open("call", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.answered();
        media.advance(100);
        receive(phone, (int) session.stats().packetsOut());
    }

    @AfterEach
    void close() {
        media.close();
    }

    @Test
    void sendonlyStopsOurPacketsAndTheAgentHearsSilenceInsteadOfTheMusic() throws Exception {
        session.connect(Remotes.sendonly(addressOf(phone), 0, 101));
        long sentBefore = session.stats().packetsOut();
        session.playAgentAudio(FakeClockMedia.filled(800, 0x10));
        stream(phone, session.localPort(), 5, 0, 10, 0x7A); // music on hold
        await(() -> session.stats().packetsIn() == 10);
        int heardBefore = media.listener.userAudio.size();
        media.advance(500);
        assertThat(session.stats().packetsOut()).as("nothing sent while held").isEqualTo(sentBefore);
        assertThat(media.agentHeard(0x7A)).as("the agent never hears the music").isFalse();
        assertThat(media.listener.userAudio.size()).as("but keeps getting audio: silence").isGreaterThan(heardBefore + 20);
        assertThat(session.debug()).containsEntry("held", true);
    }

    @Test
    void theHoldTimeoutNotTheMediaTimeoutEndsAForgottenHold() throws Exception {
        session.connect(Remotes.sendonly(addressOf(phone), 0, 101));
        media.advance(9_900);
        assertThat(media.listener.holdTimeouts.get()).isZero();
        media.advance(200);
        assertThat(media.listener.holdTimeouts.get()).isEqualTo(1);
        // One ending per call: had the media timeout fired at 2 s, the hold timeout would not have.
        assertThat(media.listener.timeouts.get()).isZero();
    }

    @Test
    void sendrecvResumesBothWaysAtOnceAndRestartsTheMediaTimeout() throws Exception {
        session.connect(Remotes.sendonly(addressOf(phone), 0, 101));
        session.playAgentAudio(FakeClockMedia.filled(160, 0x11));
        media.advance(5_000);
        long sentBefore = session.stats().packetsOut();

        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        media.advance(20);
        assertThat(session.stats().packetsOut()).isEqualTo(sentBefore + 1);
        List<byte[]> first = receive(phone, 1);
        assertThat(RtpPacket.parse(first.get(0)).orElseThrow().payload()).as("the agent's held line plays").containsOnly(0x11);
        stream(phone, session.localPort(), 5, 100, 1, 0x22);
        await(() -> media.agentHeard(0x22));

        media.advance(2_100);
        assertThat(media.listener.timeouts.get()).isEqualTo(1);
        assertThat(media.listener.holdTimeouts.get()).isZero();
    }

    @Test
    void theOldStyleHoldToAddressZeroSendsNothingNotEvenRtcp() throws Exception {
        try (DatagramSocket phoneRtcp = new DatagramSocket(new InetSocketAddress(phone.getLocalAddress(),
                phone.getLocalPort() + 1))) {
            session.connect(Remotes.sendrecv(new InetSocketAddress("0.0.0.0", phone.getLocalPort()), 0, 101));
            long sentBefore = session.stats().packetsOut();
            media.advance(RtcpSession.INTERVAL_MS * 2);
            assertThat(session.stats().packetsOut()).isEqualTo(sentBefore);
            assertThat(session.debug()).containsEntry("held", true);
            assertThat(FakeClockMedia.waiting(phoneRtcp)).isEmpty();
        } catch (java.net.BindException portTaken) {
            org.junit.jupiter.api.Assumptions.abort("the port above the phone's is taken: " + portTaken.getMessage());
        }
    }
}
