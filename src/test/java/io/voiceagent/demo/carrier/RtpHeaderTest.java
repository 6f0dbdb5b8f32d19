package io.voiceagent.demo.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RtpHeaderTest {

    private static ByteBuffer rtp(int payloadType, int sequence) {
        ByteBuffer packet = ByteBuffer.allocate(RtpHeader.SIZE + 160);
        new RtpHeader(false, payloadType, sequence, 8000, 0x1234, RtpHeader.SIZE, 160).writeTo(packet);
        return packet.position(0).limit(RtpHeader.SIZE + 160);
    }

    @Test
    void anAudioPacketIsRead() {
        assertThat(RtpHeader.parse(rtp(8, 4711))).hasValueSatisfying(h -> {
            assertThat(h.payloadType()).isEqualTo(8);
            assertThat(h.sequence()).isEqualTo(4711);
            assertThat(h.payloadLength()).isEqualTo(160);
        });
    }

    @Test
    void anRtcpSenderReportIsNotTakenForRtp() {
        // RTCP SR (RFC 3550 section 6.4.1): V=2, RC=0, PT=200, length 6 words, then the sender's SSRC
        ByteBuffer senderReport = ByteBuffer.allocate(28).put((byte) 0x80).put((byte) 200).putShort((short) 6)
                .putInt(0x1234).putLong(0).putInt(0).putInt(0).putInt(0).flip();

        assertThat(RtpHeader.parse(senderReport)).isEmpty();
    }

    @Test
    void aSequenceTrackerFedOnlyWhatParsesSeesNoLossFromAStrayReport() {
        SequenceTracker tracker = new SequenceTracker();
        ByteBuffer senderReport = ByteBuffer.allocate(28).put((byte) 0x81).put((byte) 200).putShort((short) 6)
                .putInt(0x1234).putLong(0).putInt(0).putInt(0).putInt(0).flip();
        for (int seq = 40_000; seq < 40_100; seq++) {
            RtpHeader.parse(rtp(0, seq)).ifPresent(h -> tracker.record(h.sequence()));
            if (seq == 40_050) {
                RtpHeader.parse(senderReport).ifPresent(h -> tracker.record(h.sequence()));
            }
        }

        assertThat(tracker.lost()).isZero();
        assertThat(tracker.received()).isEqualTo(100);
    }
}
