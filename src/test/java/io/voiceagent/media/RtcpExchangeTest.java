package io.voiceagent.media;

import io.voiceagent.rtp.RtcpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.voiceagent.media.FakeClockMedia.MS;
import static io.voiceagent.media.FakeClockMedia.addressOf;
import static io.voiceagent.media.FakeClockMedia.await;
import static io.voiceagent.media.FakeClockMedia.receive;
import static io.voiceagent.media.FakeClockMedia.sendBytes;
import static io.voiceagent.media.FakeClockMedia.stream;
import static io.voiceagent.media.FakeClockMedia.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** RTCP with a far end through real sockets: reports both ways, the round trip, BYE at the end. */
class RtcpExchangeTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(30), Duration.ofSeconds(600));

    @AfterEach
    void close() {
        media.close();
    }

    private static List<RtcpPacket> parse(byte[] wire) {
        return RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow();
    }

    @Test
    void reportsGoBackToTheFarEndsRtcpSourceAndItsReportsGiveTheRoundTripAndItsView() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        DatagramSocket phoneRtcp = media.host("127.0.0.1");
        MediaSession session = media.engine.open("call", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.answered();
        stream(phone, session.localPort(), 77, 0, 50, 0x20);
        await(() -> session.stats().packetsIn() == 50);

        byte[] hello = RtcpPacket.compound(List.of(new RtcpPacket.ReceiverReport(77, List.of())));
        sendBytes(phoneRtcp, hello, session.localPort() + 1);
        await(() -> rtcpSourceKnown(session));

        media.advance(RtcpSession.INTERVAL_MS + 20);
        List<RtcpPacket> report = parse(receive(phoneRtcp, 1).get(0));
        RtcpPacket.SenderReport sr = (RtcpPacket.SenderReport) report.get(0);
        // Sent on its tick before that tick's RTP packet, and the clock may have run one more tick.
        assertThat(sr.packetCount()).isBetween(session.stats().packetsOut() - 2, session.stats().packetsOut() - 1);
        assertThat(sr.blocks()).singleElement().satisfies(block -> {
            assertThat(block.ssrc()).isEqualTo(77);
            assertThat(block.cumulativeLost()).isZero();
        });

        media.now.addAndGet(120 * MS);
        RtcpPacket.ReceiverReport theirs = new RtcpPacket.ReceiverReport(77, List.of(
                new RtcpPacket.ReportBlock(sr.ssrc(), 51, 9, 1000, 160, sr.compactNtp(), 65536 / 10)));
        sendBytes(phoneRtcp, RtcpPacket.compound(List.of(theirs)), session.localPort() + 1);
        await(() -> session.stats().farEnd().lost() == 9);
        MediaStats.FarEndReport far = session.stats().farEnd();
        // 120 ms after the tick that sent our SR (which came up to 20 ms before the clock stopped), less the 100 ms it held it.
        assertThat(far.roundTripMs()).isBetween(19.9, 40.1);
        assertThat(far.fractionLost()).isCloseTo(0.2, within(0.01));
        assertThat(far.jitterMs()).isEqualTo(20.0);

        session.close();
        List<RtcpPacket> last = parse(receive(phoneRtcp, 1).get(0));
        assertThat(last.get(last.size() - 1)).isEqualTo(new RtcpPacket.Bye(List.of(sr.ssrc())));
    }

    @Test
    void theClockDoesNotWaitForTheReceiveThreadsLockForItsReportItSendsItATickLater() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        DatagramSocket phoneRtcp = media.host("127.0.0.1");
        CountDownLatch receiverInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        RecordingListener stalling = new RecordingListener() {
            @Override
            public void onUserAudio(byte[] chunk) {
                super.onUserAudio(chunk);
                // The receive thread calls this holding the session's uplink lock: here it is
                // preempted, say, for as long as the test likes.
                if (Thread.currentThread().getName().equals("rtp-receiver") && armed.compareAndSet(true, false)) {
                    receiverInside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        MediaSession session = media.engine.open("call", 20, stalling);
        try {
            session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
            session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
            session.answered();
            stream(phone, session.localPort(), 77, 0, 50, 0x20);
            await(() -> session.stats().packetsIn() == 50);
            sendBytes(phoneRtcp, RtcpPacket.compound(List.of(new RtcpPacket.ReceiverReport(77, List.of()))),
                    session.localPort() + 1);
            await(() -> rtcpSourceKnown(session));
            media.advance(RtcpSession.INTERVAL_MS - 100);
            assertThat(waiting(phoneRtcp)).as("no report due yet").isEmpty();

            armed.set(true);
            stream(phone, session.localPort(), 77, 50, 1, 0x20);
            receiverInside.await();
            Thread clock = Thread.ofPlatform().start(() -> media.advance(200)); // the report falls due
            while (clock.isAlive()) {
                assertThat(LockSupport.getBlocker(clock)).as("what the clock waits for").isNull();
                Thread.onSpinWait();
            }
            assertThat(waiting(phoneRtcp)).as("the report waits for the reception figures").isEmpty();

            release.countDown();
            List<byte[]> reports = new ArrayList<>();
            await(() -> {
                media.advance(20);
                try {
                    reports.addAll(waiting(phoneRtcp));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return !reports.isEmpty();
            });
            RtcpPacket.SenderReport late = (RtcpPacket.SenderReport) parse(reports.get(0)).get(0);
            assertThat(late.blocks()).as("with the reception figures").singleElement()
                    .satisfies(block -> assertThat(block.ssrc()).isEqualTo(77));
        } finally {
            release.countDown();
        }
    }

    private static boolean rtcpSourceKnown(MediaSession session) {
        return session.debug().get("rtcp") instanceof java.util.Map<?, ?> m && m.get("far_end_source") != null;
    }

    @Test
    void withoutRtcpFromTheFarEndReportsGoToThePortAboveItsRtpAndTheFiguresStayUnknown() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        DatagramSocket phoneRtcp;
        try {
            phoneRtcp = new DatagramSocket(new java.net.InetSocketAddress(phone.getLocalAddress(), phone.getLocalPort() + 1));
        } catch (java.net.BindException taken) {
            org.junit.jupiter.api.Assumptions.abort("the port above the phone's is taken: " + taken.getMessage());
            return;
        }
        try (phoneRtcp) {
            phoneRtcp.setSoTimeout(2000);
            MediaSession session = media.engine.open("call", 20, media.listener);
            session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
            media.advance(RtcpSession.INTERVAL_MS + 20);
            assertThat(parse(receive(phoneRtcp, 1).get(0)).get(0)).isInstanceOf(RtcpPacket.SenderReport.class);
            assertThat(session.stats().farEnd()).isEqualTo(MediaStats.FarEndReport.NONE);
        }
    }
}
