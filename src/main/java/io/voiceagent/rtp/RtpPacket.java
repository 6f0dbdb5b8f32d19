package io.voiceagent.rtp;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One RTP packet (RFC 3550 section 5.1). {@link #parse} accepts any well-formed version 2 packet:
 * CSRC list, header extension and padding are read and kept apart from the payload.
 *
 * @param paddingLength padding octets at the end (0 when the P bit is clear), count octet included
 * @param extension     the header extension when the X bit is set
 */
public record RtpPacket(boolean marker, int payloadType, int sequenceNumber, long timestamp, long ssrc,
                        List<Long> csrcs, Optional<HeaderExtension> extension, byte[] payload,
                        int paddingLength) {

    public static final int VERSION = 2;
    public static final int FIXED_HEADER_LENGTH = 12;

    /** A header extension: a profile-defined 16-bit identifier and a body of whole 32-bit words. */
    public record HeaderExtension(int profile, byte[] data) {
        public HeaderExtension {
            Objects.requireNonNull(data, "data");
            if (profile < 0 || profile > 0xFFFF) {
                throw new IllegalArgumentException("extension profile out of range: " + profile);
            }
            if (data.length % 4 != 0) {
                throw new IllegalArgumentException("extension length must be whole words: " + data.length);
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HeaderExtension other && other.profile == profile && Arrays.equals(other.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * profile + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "HeaderExtension[profile=" + profile + ", length=" + data.length + "]";
        }
    }

    public RtpPacket {
        Objects.requireNonNull(csrcs, "csrcs");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(payload, "payload");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("sequence number out of range: " + sequenceNumber);
        }
        if (timestamp < 0 || timestamp > 0xFFFF_FFFFL || ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp and SSRC are unsigned 32-bit values");
        }
        if (csrcs.size() > 15) {
            throw new IllegalArgumentException("at most 15 CSRCs, got " + csrcs.size());
        }
        if (paddingLength < 0 || paddingLength > 255) {
            throw new IllegalArgumentException("padding length out of range: " + paddingLength);
        }
        csrcs = List.copyOf(csrcs);
    }

    /** A plain audio packet: no CSRCs, no extension, no padding. The payload array is not copied. */
    public static RtpPacket of(boolean marker, int payloadType, int sequenceNumber, long timestamp, long ssrc,
                               byte[] payload) {
        return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, List.of(), Optional.empty(),
                payload, 0);
    }

    /**
     * Reads a packet from {@code length} bytes of {@code data} at {@code offset}. Empty when the bytes
     * are not a well-formed RTP version 2 packet (too short, wrong version, lengths that overrun).
     */
    public static Optional<RtpPacket> parse(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        if (offset < 0 || length < 0 || offset + length > data.length || length < FIXED_HEADER_LENGTH) {
            return Optional.empty();
        }
        int first = data[offset] & 0xFF;
        if (first >> 6 != VERSION) {
            return Optional.empty();
        }
        boolean padding = (first & 0x20) != 0;
        boolean hasExtension = (first & 0x10) != 0;
        int csrcCount = first & 0x0F;
        int second = data[offset + 1] & 0xFF;
        int end = offset + length;
        int position = offset + FIXED_HEADER_LENGTH + 4 * csrcCount;
        if (position > end) {
            return Optional.empty();
        }
        Long[] csrcs = new Long[csrcCount];
        for (int i = 0; i < csrcCount; i++) {
            csrcs[i] = readUnsigned32(data, offset + FIXED_HEADER_LENGTH + 4 * i);
        }
        Optional<HeaderExtension> extension = Optional.empty();
        if (hasExtension) {
            if (position + 4 > end) {
                return Optional.empty();
            }
            int profile = readUnsigned16(data, position);
            int words = readUnsigned16(data, position + 2);
            int bodyStart = position + 4;
            if (bodyStart + 4 * words > end) {
                return Optional.empty();
            }
            extension = Optional.of(new HeaderExtension(profile, Arrays.copyOfRange(data, bodyStart, bodyStart + 4 * words)));
            position = bodyStart + 4 * words;
        }
        int paddingLength = 0;
        if (padding) {
            paddingLength = data[end - 1] & 0xFF;
            if (paddingLength == 0 || position + paddingLength > end) {
                return Optional.empty();
            }
        }
        byte[] payload = Arrays.copyOfRange(data, position, end - paddingLength);
        return Optional.of(new RtpPacket((second & 0x80) != 0, second & 0x7F, readUnsigned16(data, offset + 2),
                readUnsigned32(data, offset + 4), readUnsigned32(data, offset + 8), List.of(csrcs), extension,
                payload, paddingLength));
    }

    public static Optional<RtpPacket> parse(byte[] data) {
        return parse(data, 0, data.length);
    }

    /** Bytes on the wire. */
    public int length() {
        return FIXED_HEADER_LENGTH + 4 * csrcs.size() + extension.map(e -> 4 + e.data.length).orElse(0)
                + payload.length + paddingLength;
    }

    public byte[] toBytes() {
        byte[] out = new byte[length()];
        int position = writeFixedHeader(out, 0, marker, payloadType, sequenceNumber, timestamp, ssrc);
        out[0] |= (byte) ((paddingLength > 0 ? 0x20 : 0) | (extension.isPresent() ? 0x10 : 0) | csrcs.size());
        for (long csrc : csrcs) {
            writeUnsigned32(out, position, csrc);
            position += 4;
        }
        if (extension.isPresent()) {
            HeaderExtension e = extension.get();
            out[position] = (byte) (e.profile >> 8);
            out[position + 1] = (byte) e.profile;
            out[position + 2] = (byte) (e.data.length / 4 >> 8);
            out[position + 3] = (byte) (e.data.length / 4);
            System.arraycopy(e.data, 0, out, position + 4, e.data.length);
            position += 4 + e.data.length;
        }
        System.arraycopy(payload, 0, out, position, payload.length);
        if (paddingLength > 0) {
            out[out.length - 1] = (byte) paddingLength;
        }
        return out;
    }

    /**
     * Writes the 12-byte fixed header of a packet without CSRCs, extension or padding: the send path
     * fills a reused buffer this way instead of building a record per packet. Returns the header length.
     */
    public static int writeFixedHeader(byte[] out, int offset, boolean marker, int payloadType, int sequenceNumber,
                                       long timestamp, long ssrc) {
        out[offset] = (byte) (VERSION << 6);
        out[offset + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        out[offset + 2] = (byte) (sequenceNumber >> 8);
        out[offset + 3] = (byte) sequenceNumber;
        writeUnsigned32(out, offset + 4, timestamp);
        writeUnsigned32(out, offset + 8, ssrc);
        return FIXED_HEADER_LENGTH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpPacket p && p.marker == marker && p.payloadType == payloadType
                && p.sequenceNumber == sequenceNumber && p.timestamp == timestamp && p.ssrc == ssrc
                && p.csrcs.equals(csrcs) && p.extension.equals(extension) && Arrays.equals(p.payload, payload)
                && p.paddingLength == paddingLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs, extension, paddingLength)
                * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + ", seq=" + sequenceNumber + ", ts=" + timestamp
                + ", ssrc=" + Long.toHexString(ssrc) + (marker ? ", marker" : "") + ", csrcs=" + csrcs.size()
                + (extension.isPresent() ? ", extension" : "") + ", payload=" + payload.length + "B"
                + (paddingLength > 0 ? ", padding=" + paddingLength : "") + "]";
    }

    private static int readUnsigned16(byte[] data, int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }

    private static long readUnsigned32(byte[] data, int at) {
        return ((long) readUnsigned16(data, at) << 16) | readUnsigned16(data, at + 2);
    }

    private static void writeUnsigned32(byte[] out, int at, long value) {
        out[at] = (byte) (value >> 24);
        out[at + 1] = (byte) (value >> 16);
        out[at + 2] = (byte) (value >> 8);
        out[at + 3] = (byte) value;
    }
}
