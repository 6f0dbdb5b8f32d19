package io.voiceagent.media;

import java.util.Optional;

/**
 * The audio formats an ElevenLabs agent can be set to (its {@code user_input_audio_format} and
 * {@code agent_output_audio_format}). Only {@link #ULAW_8000} matches the phone line as it is;
 * every other one is 16-bit little-endian PCM at its own rate and needs resampling.
 */
public enum AgentAudioFormat {
    ULAW_8000("ulaw_8000", 8000),
    PCM_8000("pcm_8000", 8000),
    PCM_16000("pcm_16000", 16000),
    PCM_22050("pcm_22050", 22050),
    PCM_24000("pcm_24000", 24000),
    PCM_44100("pcm_44100", 44100),
    PCM_48000("pcm_48000", 48000);

    private final String wireName;
    private final int sampleRate;

    AgentAudioFormat(String wireName, int sampleRate) {
        this.wireName = wireName;
        this.sampleRate = sampleRate;
    }

    public String wireName() {
        return wireName;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public boolean isPcm() {
        return this != ULAW_8000;
    }

    /** Bytes of audio per millisecond in this format. */
    public double bytesPerMs() {
        return isPcm() ? sampleRate * 2 / 1000.0 : 8;
    }

    public static Optional<AgentAudioFormat> fromWire(String name) {
        for (AgentAudioFormat f : values()) {
            if (f.wireName.equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
