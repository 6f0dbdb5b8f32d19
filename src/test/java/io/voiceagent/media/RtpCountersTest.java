package io.voiceagent.media;

import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.ServiceMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.time.Duration;

import static io.voiceagent.media.FakeClockMedia.addressOf;
import static io.voiceagent.media.FakeClockMedia.await;
import static io.voiceagent.media.FakeClockMedia.filled;
import static io.voiceagent.media.FakeClockMedia.stream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service-wide RTP counts (packets, bytes, loss, rejects) and the greeting delay, counted by the
 * sessions as packets come and go, through real sockets on a fake clock; a session that closes takes
 * nothing away from them.
 */
class RtpCountersTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(30), Duration.ofSeconds(600));
    private final ServiceMetrics metrics = media.metrics;

    @AfterEach
    void close() {
        media.close();
    }

    private long in() {
        return metrics.rtpPackets.value("in");
    }

    @Test
    void packetsBytesAndLossAreCountedAsTheyArriveAndStayWhenTheSessionCloses() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        MediaSession session = media.engine.open("call-1", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.answered();

        stream(phone, session.localPort(), 7, 0, 5, 0x21);
        await(() -> in() == 5);
        assertThat(metrics.rtpBytes.value("in")).isEqualTo(5 * 160);
        // Sequence 5 never comes: once three packets after it are in, it is played as silence and counted.
        stream(phone, session.localPort(), 7, 6, 2, 0x22);
        await(() -> in() == 7);
        assertThat(metrics.rtpLost.value()).as("only late so far, within the reorder window").isZero();
        stream(phone, session.localPort(), 7, 8, 1, 0x23);
        await(() -> metrics.rtpLost.value() == 1);

        media.advance(100);
        long sent = session.stats().packetsOut();
        assertThat(sent).isPositive();
        assertThat(metrics.rtpPackets.value("out")).isEqualTo(sent);
        assertThat(metrics.rtpBytes.value("out")).isEqualTo(sent * 160);

        session.close();
        assertThat(in()).isEqualTo(8);
        assertThat(metrics.rtpPackets.value("out")).isEqualTo(sent);
        assertThat(metrics.rtpLost.value()).isEqualTo(1);
    }

    @Test
    void aStrangerAndGarbageAreCountedByReason() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        DatagramSocket stranger = media.host("127.0.0.77");
        MediaSession session = media.engine.open("call-2", 20, media.listener);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));

        stream(stranger, session.localPort(), 9, 0, 4, 0x55);
        FakeClockMedia.sendBytes(phone, new byte[] {(byte) 0x80, 0}, session.localPort());
        await(() -> metrics.rtpRejected.value("foreign_source") == 4 && metrics.rtpRejected.value("malformed") == 1);
        assertThat(metrics.rtpRejected.value("learning")).isZero();
        assertThat(in()).isZero();
    }

    @Test
    void theGreetingDelayRunsFromTheAnswerToTheFirstAgentAudioSent() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        MediaSession session = media.engine.open("call-3", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.playAgentAudio(filled(320, 0x10)); // the greeting, held until the answer
        media.advance(100);
        assertThat(metrics.greetingDelay.snapshot().count()).as("nothing is spoken before the answer").isZero();

        session.answered();
        media.advance(100);

        Histogram.Snapshot greeting = metrics.greetingDelay.snapshot();
        assertThat(greeting.count()).as("timed once, for the first packet only").isEqualTo(1);
        // The next 20 ms tick after the answer carries it.
        assertThat(greeting.sum()).isBetween(0.0, 0.020);
    }
}
