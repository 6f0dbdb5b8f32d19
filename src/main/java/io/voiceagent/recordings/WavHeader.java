package io.voiceagent.recordings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The 44-byte RIFF/WAVE header of 16-bit PCM: stereo at 8 kHz here. */
final class WavHeader {
    static final int LENGTH = 44;
    static final int SAMPLE_RATE = 8000;
    static final int CHANNELS = 2;
    static final int BYTES_PER_FRAME = CHANNELS * 2;

    private WavHeader() {
    }

    /** The header for {@code dataBytes} bytes of samples. */
    static ByteBuffer of(long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) CHANNELS).putInt(SAMPLE_RATE)
                .putInt(SAMPLE_RATE * BYTES_PER_FRAME).putShort((short) BYTES_PER_FRAME).putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.flip();
    }
}
