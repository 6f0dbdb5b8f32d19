package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RtcpPacketTest {

    private static final RtcpPacket.ReportBlock BLOCK =
            new RtcpPacket.ReportBlock(0xCAFEBABEL, 25, -3, 70_000, 42, 0x12345678L, 65536);

    @Test
    void aCompoundSenderReportSdesAndByeReadBackAsWritten() {
        RtcpPacket.SenderReport sr = new RtcpPacket.SenderReport(0x11223344L, 0xE1234567_89ABCDEFL, 123_456,
                500, 80_000, List.of(BLOCK));
        byte[] wire = RtcpPacket.compound(List.of(sr, new RtcpPacket.SourceDescription(0x11223344L, "abc@voiceagent"),
                new RtcpPacket.Bye(List.of(0x11223344L))));
        assertThat(wire.length % 4).isZero();
        assertThat(wire[0] & 0xFF).isEqualTo(0x81);
        assertThat(wire[1] & 0xFF).isEqualTo(RtcpPacket.SR);
        List<RtcpPacket> parsed = RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow();
        assertThat(parsed).containsExactly(sr, new RtcpPacket.Bye(List.of(0x11223344L)));
        assertThat(sr.compactNtp()).isEqualTo(0x456789ABL);
    }

    @Test
    void aReceiverReportKeepsANegativeCumulativeLoss() {
        RtcpPacket.ReceiverReport rr = new RtcpPacket.ReceiverReport(7, List.of(BLOCK));
        byte[] wire = RtcpPacket.compound(List.of(rr));
        assertThat(wire).hasSize(32);
        assertThat(RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow()).containsExactly(rr);
        assertThat(((RtcpPacket.ReceiverReport) RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow().get(0))
                .blocks().get(0).cumulativeLost()).isEqualTo(-3);
    }

    @Test
    void rtpTruncatedPacketsAndACompoundNotStartingWithAReportAreNotRtcp() {
        byte[] rtp = RtpPacket.of(false, 0, 1, 2, 3, new byte[160]).toBytes();
        assertThat(RtcpPacket.parseCompound(rtp, 0, rtp.length)).isEmpty();
        byte[] rr = RtcpPacket.compound(List.of(new RtcpPacket.ReceiverReport(7, List.of(BLOCK))));
        assertThat(RtcpPacket.parseCompound(rr, 0, rr.length - 4)).isEmpty();
        byte[] byeFirst = RtcpPacket.compound(List.of(new RtcpPacket.Bye(List.of(1L))));
        assertThat(RtcpPacket.parseCompound(byeFirst, 0, byeFirst.length)).isEmpty();
    }

    @Test
    void unknownPacketTypesInACompoundAreSkipped() {
        byte[] rr = RtcpPacket.compound(List.of(new RtcpPacket.ReceiverReport(7, List.of())));
        byte[] app = {(byte) 0x80, (byte) 204, 0, 2, 0, 0, 0, 7, 'n', 'a', 'm', 'e'};
        byte[] wire = new byte[rr.length + app.length];
        System.arraycopy(rr, 0, wire, 0, rr.length);
        System.arraycopy(app, 0, wire, rr.length, app.length);
        assertThat(RtcpPacket.parseCompound(wire, 0, wire.length).orElseThrow())
                .containsExactly(new RtcpPacket.ReceiverReport(7, List.of()));
    }
}
