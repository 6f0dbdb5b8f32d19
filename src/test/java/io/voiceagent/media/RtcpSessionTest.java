package io.voiceagent.media;

import io.voiceagent.rtp.RtcpPacket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RtcpSessionTest {

    private static final long MS = 1_000_000;
    private static final long OURS = 0xAAAA_0001L;
    private static final long THEIRS = 0xBBBB_0002L;

    private final RtcpSession rtcp = new RtcpSession(OURS, "a@voiceagent", 8000, 1_700_000_000_000L * MS);
    private long now = 50_000 * MS;

    private static List<RtcpPacket> parse(byte[] wire) {
        return RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow();
    }

    private static byte[] fromFarEnd(RtcpPacket report) {
        return RtcpPacket.compound(List.of(report, new RtcpPacket.SourceDescription(THEIRS, "phone")));
    }

    @Test
    void aReportLeavesEveryFiveSecondsAnSrWhileWeSendAnRrWhileWeDoNot() {
        RtcpSession.Sent sent = new RtcpSession.Sent(0, 0, 0);
        assertThat(rtcp.reportIfDue(now, sent, Optional.empty())).isEmpty();
        now += RtcpSession.INTERVAL_MS * MS - MS;
        assertThat(rtcp.reportIfDue(now, new RtcpSession.Sent(249, 249 * 160, 40_000), Optional.empty())).isEmpty();
        now += MS;
        List<RtcpPacket> first = parse(rtcp.reportIfDue(now, new RtcpSession.Sent(250, 40_000, 40_160), Optional.empty())
                .orElseThrow());
        assertThat(first.get(0)).isInstanceOfSatisfying(RtcpPacket.SenderReport.class, sr -> {
            assertThat(sr.ssrc()).isEqualTo(OURS);
            assertThat(sr.packetCount()).isEqualTo(250);
            assertThat(sr.octetCount()).isEqualTo(40_000);
            assertThat(sr.rtpTimestamp()).isEqualTo(40_160);
        });
        now += RtcpSession.INTERVAL_MS * MS;
        List<RtcpPacket> second = parse(rtcp.reportIfDue(now, new RtcpSession.Sent(250, 40_000, 40_160), Optional.empty())
                .orElseThrow());
        assertThat(second.get(0)).as("nothing sent since: a receiver report").isInstanceOf(RtcpPacket.ReceiverReport.class);
    }

    @Test
    void theReceptionReportCarriesLossSinceTheLastReportJitterAndTheEchoOfTheirSr() {
        rtcp.reportIfDue(now, new RtcpSession.Sent(0, 0, 0), Optional.empty());
        RtcpPacket.SenderReport theirSr = new RtcpPacket.SenderReport(THEIRS, 0x0000_1234_5678_0000L, 0, 10, 1600, List.of());
        assertThat(rtcp.onPacket(fromFarEnd(theirSr), fromFarEnd(theirSr).length, now)).isTrue();
        now += RtcpSession.INTERVAL_MS * MS;
        RtcpSession.Received received = new RtcpSession.Received(THEIRS, 1099, 100, 90, 12.4);
        RtcpPacket report = parse(rtcp.reportIfDue(now, new RtcpSession.Sent(0, 0, 0), Optional.of(received))
                .orElseThrow()).get(0);
        RtcpPacket.ReportBlock block = ((RtcpPacket.ReceiverReport) report).blocks().get(0);
        assertThat(block.ssrc()).isEqualTo(THEIRS);
        assertThat(block.fractionLost()).isEqualTo(25); // 10 of 100: 25.6/256
        assertThat(block.cumulativeLost()).isEqualTo(10);
        assertThat(block.extendedHighestSeq()).isEqualTo(1099);
        assertThat(block.jitter()).isEqualTo(12);
        assertThat(block.lastSr()).isEqualTo(0x1234_5678L);
        assertThat(block.delaySinceLastSr()).isEqualTo(5 * 65536);

        now += RtcpSession.INTERVAL_MS * MS;
        RtcpSession.Received later = new RtcpSession.Received(THEIRS, 1199, 200, 190, 12.4);
        RtcpPacket next = parse(rtcp.reportIfDue(now, new RtcpSession.Sent(0, 0, 0), Optional.of(later))
                .orElseThrow()).get(0);
        assertThat(((RtcpPacket.ReceiverReport) next).blocks().get(0).fractionLost()).as("none lost since").isZero();
    }

    @Test
    void theRoundTripComesFromAReportEchoingOurSr() {
        rtcp.reportIfDue(now, new RtcpSession.Sent(0, 0, 0), Optional.empty());
        now += RtcpSession.INTERVAL_MS * MS;
        RtcpPacket.SenderReport ours = (RtcpPacket.SenderReport) parse(
                rtcp.reportIfDue(now, new RtcpSession.Sent(250, 40_000, 0), Optional.empty()).orElseThrow()).get(0);
        assertThat(rtcp.farEnd().roundTripMs()).isNaN();
        // The far end holds our SR for 250 ms before answering; its report arrives 300 ms after our SR left.
        now += 300 * MS;
        RtcpPacket.ReceiverReport theirs = new RtcpPacket.ReceiverReport(THEIRS, List.of(
                new RtcpPacket.ReportBlock(OURS, 64, 12, 5000, 80, ours.compactNtp(), 65536 / 4)));
        byte[] wire = fromFarEnd(theirs);
        rtcp.onPacket(wire, wire.length, now);
        MediaStats.FarEndReport far = rtcp.farEnd();
        assertThat(far.roundTripMs()).isCloseTo(50.0, within(0.1));
        assertThat(far.fractionLost()).isEqualTo(0.25);
        assertThat(far.lost()).isEqualTo(12);
        assertThat(far.jitterMs()).isEqualTo(10.0);
        assertThat(rtcp.reportsReceived()).isEqualTo(1);
    }

    @Test
    void reportsAboutOtherSourcesAndPacketsThatAreNotRtcpChangeNothing() {
        byte[] other = fromFarEnd(new RtcpPacket.ReceiverReport(THEIRS, List.of(
                new RtcpPacket.ReportBlock(0x1234, 128, 99, 1, 1, 0, 0))));
        assertThat(rtcp.onPacket(other, other.length, now)).isTrue();
        byte[] junk = {1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(rtcp.onPacket(junk, junk.length, now)).isFalse();
        assertThat(rtcp.farEnd()).isEqualTo(MediaStats.FarEndReport.NONE);
        assertThat(rtcp.reportsReceived()).isZero();
    }

    @Test
    void byeEndsWithOurSsrc() {
        List<RtcpPacket> bye = parse(rtcp.bye(now, new RtcpSession.Sent(10, 1600, 0), Optional.empty()));
        assertThat(bye.get(0)).isInstanceOf(RtcpPacket.SenderReport.class);
        assertThat(bye.get(bye.size() - 1)).isEqualTo(new RtcpPacket.Bye(List.of(OURS)));
    }
}
