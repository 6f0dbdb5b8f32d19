package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RtpPacketTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void readsEveryFieldOfTheFixedHeader() {
        RtpPacket p = RtpPacket.parse(hex("80 88 ff fe 12 34 56 78 9a bc de f0 d5 d5")).orElseThrow();
        assertThat(p.marker()).isTrue();
        assertThat(p.payloadType()).isEqualTo(8);
        assertThat(p.sequenceNumber()).isEqualTo(0xFFFE);
        assertThat(p.timestamp()).isEqualTo(0x12345678L);
        assertThat(p.ssrc()).isEqualTo(0x9ABCDEF0L);
        assertThat(p.csrcs()).isEmpty();
        assertThat(p.extension()).isEmpty();
        assertThat(p.payload()).containsExactly(0xD5, 0xD5);
    }

    @Test
    void readsCsrcsExtensionAndPaddingApartFromThePayload() {
        // V=2 P=1 X=1 CC=2; two CSRCs; extension profile 0xBEDE with one word; payload 2 bytes; 3 padding bytes.
        byte[] wire = hex("b2 00 00 01 00 00 00 a0 00 00 00 01"
                + "00 00 00 0a ff ff ff ff"
                + "be de 00 01 11 22 33 44"
                + "ab cd"
                + "00 00 03");
        RtpPacket p = RtpPacket.parse(wire).orElseThrow();
        assertThat(p.csrcs()).containsExactly(10L, 0xFFFFFFFFL);
        assertThat(p.extension()).hasValueSatisfying(e -> {
            assertThat(e.profile()).isEqualTo(0xBEDE);
            assertThat(e.data()).containsExactly(0x11, 0x22, 0x33, 0x44);
        });
        assertThat(p.payload()).containsExactly(0xAB, 0xCD);
        assertThat(p.paddingLength()).isEqualTo(3);
        assertThat(p.toBytes()).isEqualTo(wire);
    }

    @Test
    void serialisesWhatItParses() {
        RtpPacket p = new RtpPacket(false, 101, 65535, 0xFFFFFFFFL, 1, List.of(7L),
                Optional.of(new RtpPacket.HeaderExtension(1, new byte[8])), new byte[]{1, 2, 3}, 0);
        assertThat(RtpPacket.parse(p.toBytes())).contains(p);
        assertThat(p.length()).isEqualTo(p.toBytes().length);
    }

    @Test
    void rejectsWhatIsNotWellFormedRtp() {
        assertThat(RtpPacket.parse(hex("80 00 00 01 00 00 00 00 00 00 00"))).as("short").isEmpty();
        assertThat(RtpPacket.parse(hex("40 00 00 01 00 00 00 00 00 00 00 01"))).as("version 1").isEmpty();
        assertThat(RtpPacket.parse(hex("83 00 00 01 00 00 00 00 00 00 00 01 00 00 00 01"))).as("CSRCs overrun").isEmpty();
        assertThat(RtpPacket.parse(hex("90 00 00 01 00 00 00 00 00 00 00 01 be de 00 02 00 00 00 00")))
                .as("extension overruns").isEmpty();
        assertThat(RtpPacket.parse(hex("a0 00 00 01 00 00 00 00 00 00 00 01 00 00 05"))).as("padding overruns").isEmpty();
        assertThat(RtpPacket.parse(hex("a0 00 00 01 00 00 00 00 00 00 00 01 00 00 00"))).as("padding zero").isEmpty();
    }

    @Test
    void theFastHeaderWriterMatchesTheRecord() {
        byte[] out = new byte[12];
        RtpPacket.writeFixedHeader(out, 0, true, 0, 513, 0xCAFEBABEL, 0xDEADBEEFL);
        RtpPacket parsed = RtpPacket.parse(out).orElseThrow();
        assertThat(parsed).isEqualTo(RtpPacket.of(true, 0, 513, 0xCAFEBABEL, 0xDEADBEEFL, new byte[0]));
    }
}
