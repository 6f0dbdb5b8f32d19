package io.voiceagent.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TRANSFER_HOLD_SOUND: what the caller hears while a transfer rings, instead of the ringback tone. A
 * WAV file of 16-bit PCM, mono, 8000 Hz ({@code sox music.mp3 -r 8000 -c 1 -b 16 hold.wav}), at most
 * {@link #MAX_SECONDS} long, read once when the configuration is loaded and looped.
 */
public record HoldSound(Path path, short[] samples) {
    public static final int SAMPLE_RATE = 8000;
    static final int MAX_SECONDS = 600;

    public HoldSound {
        Objects.requireNonNull(path, "path");
        samples = samples.clone();
    }

    @Override
    public short[] samples() {
        return samples.clone();
    }

    @Override
    public String toString() {
        return path + " (" + samples.length / SAMPLE_RATE + " s)";
    }

    /** Reads {@code path}; the exception says what is wrong with it. */
    static HoldSound read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > 44L + 2L * SAMPLE_RATE * MAX_SECONDS) {
            throw new IOException("longer than " + MAX_SECONDS + " s at 8000 Hz (" + size + " bytes)");
        }
        ByteBuffer wav = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.remaining() < 12 || !tag(wav, 0).equals("RIFF") || !tag(wav, 8).equals("WAVE")) {
            throw new IOException("not a WAV file (no RIFF/WAVE header)");
        }
        boolean formatSeen = false;
        int at = 12;
        while (at + 8 <= wav.limit()) {
            String id = tag(wav, at);
            long length = Integer.toUnsignedLong(wav.getInt(at + 4));
            int body = at + 8;
            if (body + length > wav.limit()) {
                throw new IOException("its " + id.strip() + " chunk runs past the end of the file");
            }
            if (id.equals("fmt ")) {
                int format = wav.getShort(body) & 0xFFFF;
                int channels = wav.getShort(body + 2) & 0xFFFF;
                int rate = wav.getInt(body + 4);
                int bits = wav.getShort(body + 14) & 0xFFFF;
                if (format != 1 || channels != 1 || rate != SAMPLE_RATE || bits != 16) {
                    throw new IOException("format " + format + ", " + channels + " channel(s), " + rate + " Hz, "
                            + bits + " bits");
                }
                formatSeen = true;
            } else if (id.equals("data")) {
                if (!formatSeen) {
                    throw new IOException("no fmt chunk before the data");
                }
                short[] samples = new short[(int) (length / 2)];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = wav.getShort(body + 2 * i);
                }
                if (samples.length < SAMPLE_RATE / 10) {
                    throw new IOException("shorter than 0.1 s");
                }
                return new HoldSound(path, samples);
            }
            at = body + (int) length + (int) (length & 1); // chunks are padded to an even length
        }
        throw new IOException("no data chunk");
    }

    private static String tag(ByteBuffer wav, int at) {
        byte[] four = new byte[4];
        wav.get(at, four);
        return new String(four, StandardCharsets.US_ASCII);
    }
}
