package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The RIFF/WAVE header of a stereo 8 kHz recording: 16-bit PCM (format 1, 44 bytes), or G.711
 * μ-law (format 7, 8 bits, with the {@code cbSize} field and the {@code fact} chunk that a
 * non-PCM WAVE carries: 58 bytes).
 */
final class WavHeader {
    static final int SAMPLE_RATE = 8000;
    static final int CHANNELS = 2;
    private static final short PCM = 1;
    private static final short MULAW = 7;

    private WavHeader() {
    }

    static int length(Format format) {
        return format == Format.PCM16 ? 44 : 58;
    }

    /** Bytes per stereo sample frame. */
    static int bytesPerFrame(Format format) {
        return format == Format.PCM16 ? CHANNELS * 2 : CHANNELS;
    }

    /** The header for {@code dataBytes} bytes of samples. */
    static ByteBuffer of(Format format, long dataBytes) {
        int blockAlign = bytesPerFrame(format);
        ByteBuffer b = ByteBuffer.allocate(length(format)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) (length(format) - 8 + dataBytes)).put(ascii("WAVE"));
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

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
