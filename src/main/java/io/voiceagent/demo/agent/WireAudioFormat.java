package io.voiceagent.demo.agent;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** The agent audio formats the fake speaks, by their ElevenLabs names; one format serves both directions. */
public enum WireAudioFormat {
    ULAW_8000("ulaw_8000", 8000, 1),
    PCM_16000("pcm_16000", 16000, 2);

    private final String wireName;
    private final int sampleRate;
    private final int bytesPerSample;

    WireAudioFormat(String wireName, int sampleRate, int bytesPerSample) {
        this.wireName = wireName;
        this.sampleRate = sampleRate;
        this.bytesPerSample = bytesPerSample;
    }

    /** The name used in {@code conversation_initiation_metadata}, e.g. {@code ulaw_8000}. */
    public String wireName() {
        return wireName;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int bytesPerSecond() {
        return sampleRate * bytesPerSample;
    }

    public static Optional<WireAudioFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(format -> format.wireName.equals(name)).findFirst();
    }

    /**
     * Converts 8 kHz mu-law (how the demo recordings are stored) to this format. For pcm_16000 the samples
     * are upsampled by linear interpolation: crude next to a real resampler, but speech stays intelligible
     * and the fake needs no more.
     */
    public byte[] fromUlaw8000(byte[] ulaw) {
        Objects.requireNonNull(ulaw, "ulaw");
        if (this == ULAW_8000) {
            return ulaw.clone();
        }
        byte[] pcm = new byte[ulaw.length * 4];
        for (int i = 0; i < ulaw.length; i++) {
            int current = MuLaw.decode(ulaw[i]);
            int next = i + 1 < ulaw.length ? MuLaw.decode(ulaw[i + 1]) : current;
            putLittleEndian(pcm, 4 * i, current);
            putLittleEndian(pcm, 4 * i + 2, (current + next) / 2);
        }
        return pcm;
    }

    /** Decodes wire bytes to 16-bit linear samples (little-endian for PCM; a trailing odd byte is ignored). */
    public short[] toLinear(byte[] audio) {
        if (this == ULAW_8000) {
            short[] samples = new short[audio.length];
            for (int i = 0; i < audio.length; i++) {
                samples[i] = MuLaw.decode(audio[i]);
            }
            return samples;
        }
        short[] samples = new short[audio.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((audio[2 * i] & 0xFF) | (audio[2 * i + 1] << 8));
        }
        return samples;
    }

    private static void putLittleEndian(byte[] target, int offset, int sample) {
        target[offset] = (byte) sample;
        target[offset + 1] = (byte) (sample >> 8);
    }
}
