package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The RIFF/WAVE header of a stereo 8 kHz recording: 16-bit PCM (format 1, 44 bytes), or G.711
 * μ-law (format 7, 8 bits, with the {@code cbSize} field and the {@code fact} chunk that a
 * non-PCM WAVE carries: 58 bytes). A finished file ends with a {@code JUNK} chunk that fills its last
 * block ({@link WavFile}).
 */
final class WavHeader {
    static final int SAMPLE_RATE = 8000;
    static final int CHANNELS = 2;
    private static final short PCM = 1;
    private static final short MULAW = 7;
    /** A chunk's id and size: the least a {@code JUNK} chunk takes. */
    static final int JUNK_HEADER = 8;

    private WavHeader() {
    }

    static int length(Format format) {
        return format == Format.PCM16 ? 44 : 58;
    }

    /** Bytes per stereo sample frame. */
    static int bytesPerFrame(Format format) {
        return format == Format.PCM16 ? CHANNELS * 2 : CHANNELS;
    }

    /** How long {@code sampleFrames} stereo sample frames play, in whole milliseconds. */
    static long millis(long sampleFrames) {
        return sampleFrames * 1000 / SAMPLE_RATE;
    }

    /** The sample bytes of a file of {@code fileLength} bytes with this header: whole stereo frames. */
    static long dataBytes(Format format, long fileLength) {
        long bytes = Math.max(0, fileLength - length(format));
        return bytes - bytes % bytesPerFrame(format);
    }

    /**
     * The format of a header this class wrote, read from the start of a file (up to
     * {@code length(G711)} bytes, fewer when the file is shorter); empty for anything else.
     */
    static Optional<Format> formatOf(ByteBuffer start) {
        ByteBuffer b = start.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < length(Format.PCM16) || !ascii(b, 0, "RIFF") || !ascii(b, 8, "WAVE") || !ascii(b, 12, "fmt ")
                || b.getShort(22) != CHANNELS || b.getInt(24) != SAMPLE_RATE) {
            return Optional.empty();
        }
        if (b.getShort(20) == PCM && ascii(b, 36, "data")) {
            return Optional.of(Format.PCM16);
        }
        if (b.getShort(20) == MULAW && b.remaining() >= length(Format.G711) && ascii(b, 38, "fact") && ascii(b, 50, "data")) {
            return Optional.of(Format.G711);
        }
        return Optional.empty();
    }

    private static boolean ascii(ByteBuffer b, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (b.get(at + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The sample bytes a header {@link #formatOf} accepted says its file has (0 in an unfinished one). */
    static long dataBytesOf(Format format, ByteBuffer start) {
        return Integer.toUnsignedLong(start.slice().order(ByteOrder.LITTLE_ENDIAN).getInt(length(format) - 4));
    }

    /**
     * The header for {@code dataBytes} bytes of samples followed by {@code trailingBytes} of other
     * chunks (the {@code JUNK} that fills the last block), which the RIFF chunk's size counts.
     */
    static ByteBuffer of(Format format, long dataBytes, int trailingBytes) {
        int blockAlign = bytesPerFrame(format);
        ByteBuffer b = ByteBuffer.allocate(length(format)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) (length(format) - 8 + dataBytes + trailingBytes)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(format == Format.PCM16 ? 16 : 18)
                .putShort(format == Format.PCM16 ? PCM : MULAW).putShort((short) CHANNELS).putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * blockAlign).putShort((short) blockAlign)
                .putShort((short) (format == Format.PCM16 ? 16 : 8));
        if (format == Format.G711) {
            b.putShort((short) 0); // cbSize
            b.put(ascii("fact")).putInt(4).putInt((int) (dataBytes / blockAlign));
        }
        b.put(ascii("data")).putInt((int) dataBytes);
        return b.flip();
    }

    /**
     * Puts a {@code JUNK} chunk of {@code length} bytes (at least {@link #JUNK_HEADER}; even, as the
     * samples before it are) at {@code to}'s position, and moves the position past it.
     */
    static void putJunk(ByteBuffer to, int length) {
        int at = to.position();
        to.put(at, ascii("JUNK")).duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(at + 4, length - JUNK_HEADER);
        for (int i = at + JUNK_HEADER; i < at + length; i++) {
            to.put(i, (byte) 0);
        }
        to.position(at + length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
