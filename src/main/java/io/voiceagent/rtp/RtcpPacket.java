package io.voiceagent.rtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The RTCP packets a voice call needs (RFC 3550 section 6.4 to 6.6): sender and receiver reports,
 * a source description carrying the CNAME, and BYE. {@link #parseCompound} reads a compound packet
 * and keeps the reports and BYEs, skipping the types it does not know (APP, XR, feedback);
 * {@link #compound} writes one.
 */
public sealed interface RtcpPacket {

    int SR = 200;
    int RR = 201;
    int SDES = 202;
    int BYE = 203;

    /**
     * What a receiver says about one source (RFC 3550 section 6.4.1).
     *
     * @param fractionLost       lost since the previous report, in 1/256
     * @param cumulativeLost     lost since the start (24-bit signed on the wire)
     * @param extendedHighestSeq highest sequence number received, extended by the wrap count
     * @param jitter             interarrival jitter in timestamp units
     * @param lastSr             middle 32 bits of the NTP time of the last SR received from it, 0 if none
     * @param delaySinceLastSr   delay since that SR, in 1/65536 s
     */
    record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
                       long lastSr, long delaySinceLastSr) {
        static final int LENGTH = 24;

        public ReportBlock {
            if (fractionLost < 0 || fractionLost > 255) {
                throw new IllegalArgumentException("fraction lost out of range: " + fractionLost);
            }
            cumulativeLost = Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost));
        }
    }

    /** A sender report: our NTP and RTP clocks at one instant, what we sent, and reception reports. */
    record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> blocks) implements RtcpPacket {
        public SenderReport {
            blocks = List.copyOf(blocks);
        }

        /** The middle 32 bits of the NTP timestamp, which a receiver echoes as LSR. */
        public long compactNtp() {
            return (ntpTimestamp >>> 16) & 0xFFFF_FFFFL;
        }
    }

    /** A receiver report: reception reports from a participant that has not sent lately. */
    record ReceiverReport(long ssrc, List<ReportBlock> blocks) implements RtcpPacket {
        public ReceiverReport {
            blocks = List.copyOf(blocks);
        }
    }

    /** A source description with only the CNAME, which every compound packet must carry. */
    record SourceDescription(long ssrc, String cname) implements RtcpPacket {
        public SourceDescription {
            Objects.requireNonNull(cname, "cname");
        }
    }

    /** The sources leave the session. */
    record Bye(List<Long> ssrcs) implements RtcpPacket {
        public Bye {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /** Writes a compound packet; RFC 3550 section 6.1 wants it to start with SR or RR. */
    static byte[] compound(List<RtcpPacket> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        for (RtcpPacket packet : packets) {
            switch (packet) {
                case SenderReport sr -> {
                    header(out, sr.blocks().size(), SR, 6 + 6 * sr.blocks().size());
                    int32(out, sr.ssrc());
                    int32(out, sr.ntpTimestamp() >>> 32);
                    int32(out, sr.ntpTimestamp());
                    int32(out, sr.rtpTimestamp());
                    int32(out, sr.packetCount());
                    int32(out, sr.octetCount());
                    sr.blocks().forEach(b -> block(out, b));
                }
                case ReceiverReport rr -> {
                    header(out, rr.blocks().size(), RR, 1 + 6 * rr.blocks().size());
                    int32(out, rr.ssrc());
                    rr.blocks().forEach(b -> block(out, b));
                }
                case SourceDescription sdes -> {
                    byte[] name = sdes.cname().getBytes(StandardCharsets.UTF_8);
                    int length = Math.min(name.length, 255);
                    int itemBytes = 2 + length + 1; // CNAME item, then the end-of-list null
                    int padded = (itemBytes + 3) / 4 * 4;
                    header(out, 1, SDES, 1 + padded / 4);
                    int32(out, sdes.ssrc());
                    out.write(1);
                    out.write(length);
                    out.write(name, 0, length);
                    for (int i = 2 + length; i < padded; i++) {
                        out.write(0);
                    }
                }
                case Bye bye -> {
                    header(out, bye.ssrcs().size(), BYE, bye.ssrcs().size());
                    bye.ssrcs().forEach(s -> int32(out, s));
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads a compound packet. Empty when it is not RTCP (version, type or lengths wrong); packet
     * types other than SR, RR, SDES and BYE are skipped.
     */
    static Optional<List<RtcpPacket>> parseCompound(byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        if (offset < 0 || length < 8 || offset + length > data.length) {
            return Optional.empty();
        }
        List<RtcpPacket> out = new ArrayList<>();
        int position = offset;
        int end = offset + length;
        while (position < end) {
            if (position + 4 > end) {
                return Optional.empty();
            }
            int first = data[position] & 0xFF;
            int type = data[position + 1] & 0xFF;
            int bytes = 4 * (u16(data, position + 2) + 1);
            if (first >> 6 != 2 || position + bytes > end || (out.isEmpty() && type != SR && type != RR)) {
                return Optional.empty();
            }
            int count = first & 0x1F;
            int body = position + 4;
            switch (type) {
                case SR -> {
                    if (bytes < 28 + ReportBlock.LENGTH * count) {
                        return Optional.empty();
                    }
                    long ntp = u32(data, body + 4) << 32 | u32(data, body + 8);
                    out.add(new SenderReport(u32(data, body), ntp, u32(data, body + 12), u32(data, body + 16),
                            u32(data, body + 20), blocks(data, body + 24, count)));
                }
                case RR -> {
                    if (bytes < 8 + ReportBlock.LENGTH * count) {
                        return Optional.empty();
                    }
                    out.add(new ReceiverReport(u32(data, body), blocks(data, body + 4, count)));
                }
                case BYE -> {
                    if (bytes < 4 + 4 * count) {
                        return Optional.empty();
                    }
                    List<Long> ssrcs = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        ssrcs.add(u32(data, body + 4 * i));
                    }
                    out.add(new Bye(ssrcs));
                }
                default -> {
                    // SDES is only read for validity; APP, XR and feedback are not used here.
                }
            }
            position += bytes;
        }
        return Optional.of(out);
    }

    private static List<ReportBlock> blocks(byte[] data, int at, int count) {
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int b = at + ReportBlock.LENGTH * i;
            int lost = (data[b + 5] << 16) | (data[b + 6] & 0xFF) << 8 | (data[b + 7] & 0xFF); // sign from the top byte
            blocks.add(new ReportBlock(u32(data, b), data[b + 4] & 0xFF, lost, u32(data, b + 8), u32(data, b + 12),
                    u32(data, b + 16), u32(data, b + 20)));
        }
        return blocks;
    }

    private static void header(ByteArrayOutputStream out, int count, int type, int lengthWords) {
        out.write(0x80 | count);
        out.write(type);
        out.write(lengthWords >> 8);
        out.write(lengthWords);
    }

    private static void block(ByteArrayOutputStream out, ReportBlock b) {
        int32(out, b.ssrc());
        out.write(b.fractionLost());
        out.write(b.cumulativeLost() >> 16);
        out.write(b.cumulativeLost() >> 8);
        out.write(b.cumulativeLost());
        int32(out, b.extendedHighestSeq());
        int32(out, b.jitter());
        int32(out, b.lastSr());
        int32(out, b.delaySinceLastSr());
    }

    private static void int32(ByteArrayOutputStream out, long value) {
        out.write((int) (value >> 24));
        out.write((int) (value >> 16));
        out.write((int) (value >> 8));
        out.write((int) value);
    }

    private static int u16(byte[] data, int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }

    private static long u32(byte[] data, int at) {
        return (long) u16(data, at) << 16 | u16(data, at + 2);
    }
}
