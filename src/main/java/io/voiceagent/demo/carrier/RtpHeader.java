package io.voiceagent.demo.carrier;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The fixed RTP header (RFC 3550 §5.1) and where the payload starts after CSRCs and an extension.
 */
record RtpHeader(boolean marker, int payloadType, int sequence, long timestamp, long ssrc,
                 int payloadOffset, int payloadLength) {

    static final int SIZE = 12;
    /** The payload types RFC 5761 reserves so that RTCP packet types can be told from RTP. */
    private static final int RTCP_FIRST = 64;
    private static final int RTCP_LAST = 95;

    /**
     * Empty for anything that is not an RTP version 2 packet with a whole header, RTCP included: its
     * packet types 200-204 read as RTP payload types 72-76 with the marker set, which RFC 5761 section 4
     * keeps out of RTP (64-95). An RTCP packet meant for a neighbour's port ({@code Q+1} of another
     * phone's {@code Q}) must not count as a jump of the sequence.
     */
    static Optional<RtpHeader> parse(ByteBuffer packet) {
        int length = packet.limit();
        if (length < SIZE || (packet.get(0) & 0xC0) != 0x80) {
            return Optional.empty();
        }
        int payloadType = packet.get(1) & 0x7F;
        if (payloadType >= RTCP_FIRST && payloadType <= RTCP_LAST) {
            return Optional.empty();
        }
        int first = packet.get(0) & 0xFF;
        int offset = SIZE + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (length < offset + 4) {
                return Optional.empty();
            }
            offset += 4 + 4 * (packet.getShort(offset + 2) & 0xFFFF);
        }
        int end = length;
        if ((first & 0x20) != 0 && length > offset) {
            end -= packet.get(length - 1) & 0xFF;
        }
        if (end < offset) {
            return Optional.empty();
        }
        int second = packet.get(1) & 0xFF;
        return Optional.of(new RtpHeader((second & 0x80) != 0, second & 0x7F, packet.getShort(2) & 0xFFFF,
                packet.getInt(4) & 0xFFFFFFFFL, packet.getInt(8) & 0xFFFFFFFFL, offset, end - offset));
    }

    /** Writes the 12-byte header at the buffer's position. */
    void writeTo(ByteBuffer out) {
        out.put((byte) 0x80)
                .put((byte) ((marker ? 0x80 : 0) | payloadType))
                .putShort((short) sequence)
                .putInt((int) timestamp)
                .putInt((int) ssrc);
    }
}
