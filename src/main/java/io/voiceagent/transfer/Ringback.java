package io.voiceagent.transfer;

import io.voiceagent.config.HoldSound;
import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.G711;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.Resampler;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the caller hears while the person's phone rings: the ringback tone, 425 Hz, one second on and
 * four off (ITU-T E.180, as Russian and most European networks play it), at about -15 dBm0, or
 * TRANSFER_HOLD_SOUND. It is queued like agent audio in the agent's output format, one cadence (or
 * the whole sound) at a time, the next when the last has been sent, so that stopping it (then
 * {@link MediaSession#interrupt()}) leaves nothing behind.
 */
final class Ringback {

    static final int FREQUENCY_HZ = 425;
    static final int ON_MS = 1000;
    static final int OFF_MS = 4000;
    private static final double AMPLITUDE = 5800;

    private final MediaSession media;
    private final byte[] cadence;
    private final AtomicBoolean playing = new AtomicBoolean();

    Ringback(MediaSession media, AgentAudioFormat format, Optional<HoldSound> holdSound) {
        this.media = media;
        this.cadence = holdSound.map(sound -> inFormat(sound.samples(), format)).orElseGet(() -> cadence(format));
    }

    void start() {
        if (playing.compareAndSet(false, true)) {
            next();
        }
    }

    /** Stops queueing; the caller clears what is queued. */
    void stop() {
        playing.set(false);
    }

    private void next() {
        if (!playing.get()) {
            return;
        }
        media.playAgentAudio(cadence);
        media.whenQueueDrained(this::next);
    }

    /** The hold sound (8 kHz) in {@code format}: μ-law, or 16-bit little-endian PCM at its rate. */
    static byte[] inFormat(short[] pcm8k, AgentAudioFormat format) {
        if (!format.isPcm()) {
            byte[] out = new byte[pcm8k.length];
            for (int i = 0; i < pcm8k.length; i++) {
                out[i] = G711.linearToUlaw(pcm8k[i]);
            }
            return out;
        }
        short[] pcm = format.sampleRate() == HoldSound.SAMPLE_RATE ? pcm8k
                : new Resampler(HoldSound.SAMPLE_RATE, format.sampleRate()).process(pcm8k);
        byte[] out = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            out[2 * i] = (byte) pcm[i];
            out[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return out;
    }

    /** One cadence, tone then silence, in {@code format}. */
    static byte[] cadence(AgentAudioFormat format) {
        int rate = format.sampleRate();
        int toneSamples = rate * ON_MS / 1000;
        int samples = rate * (ON_MS + OFF_MS) / 1000;
        if (!format.isPcm()) {
            byte[] out = new byte[samples];
            for (int i = 0; i < samples; i++) {
                out[i] = G711.linearToUlaw(i < toneSamples ? sample(i, rate) : 0);
            }
            return out;
        }
        byte[] out = new byte[samples * 2];
        for (int i = 0; i < toneSamples; i++) {
            short s = sample(i, rate);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }

    private static short sample(int i, int rate) {
        return (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * FREQUENCY_HZ * i / rate));
    }
}
