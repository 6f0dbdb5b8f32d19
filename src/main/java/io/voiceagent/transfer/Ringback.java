package io.voiceagent.transfer;

import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.G711;
import io.voiceagent.media.MediaSession;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ringback tone the caller hears while the person's phone rings: 425 Hz, one second on and four
 * off (ITU-T E.180, as Russian and most European networks play it), at about -15 dBm0. It is queued
 * like agent audio in the agent's output format, one cadence at a time, the next when the last has
 * been sent, so that stopping it (then {@link MediaSession#interrupt()}) leaves nothing behind.
 */
final class Ringback {

    static final int FREQUENCY_HZ = 425;
    static final int ON_MS = 1000;
    static final int OFF_MS = 4000;
    private static final double AMPLITUDE = 5800;

    private final MediaSession media;
    private final byte[] cadence;
    private final AtomicBoolean playing = new AtomicBoolean();

    Ringback(MediaSession media, AgentAudioFormat format) {
        this.media = media;
        this.cadence = cadence(format);
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
