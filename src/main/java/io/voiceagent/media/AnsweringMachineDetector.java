package io.voiceagent.media;

import io.voiceagent.config.Config;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells a person from an answering machine by the energy and cadence of the first seconds after the
 * answer, in the manner of Asterisk's AMD: each frame is silence or voice by its mean magnitude; a
 * run of voice at least the minimum word length is a word. A person says a short "Hello?" and
 * waits; a machine either says nothing for long ({@code initial_silence}), talks on
 * ({@code long_greeting}, {@code max_words}, {@code max_word_length}). Past the maximum analysis time
 * the verdict is {@code unknown}. Feed it consecutive frames; it decides once. Not thread-safe.
 */
public final class AnsweringMachineDetector {

    /** What was heard. */
    public enum Result {
        HUMAN, MACHINE, UNKNOWN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why: the rule that decided, with its wire name for the call record. */
    public enum Reason {
        AFTER_GREETING_SILENCE, INITIAL_SILENCE, LONG_GREETING, MAX_WORDS, MAX_WORD_LENGTH, MAX_ANALYSIS_TIME;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The verdict, after {@code atMs} of audio, with the words counted and the greeting's voiced length. */
    public record Verdict(Result result, Reason reason, int atMs, int words, int voiceMs) {
        public Verdict {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final Config.Amd settings;
    private int totalMs;
    private int silenceMs;
    private int consecutiveVoiceMs;
    private int voiceMs;
    private int words;
    private boolean inWord;
    private boolean inGreeting;
    private Verdict verdict;

    public AnsweringMachineDetector(Config.Amd settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Whether the first {@code length} 16-bit samples of {@code pcm} are silence: mean magnitude under the threshold. */
    static boolean silent(short[] pcm, int length, int threshold) {
        if (length == 0) {
            return true;
        }
        long sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.abs(pcm[i]);
        }
        return sum / length < threshold;
    }

    /**
     * One frame of {@code length} linear samples at {@code sampleRate}; returns the verdict once there
     * is one (and the same one for every later frame).
     */
    public Optional<Verdict> onFrame(short[] pcm, int length, int sampleRate) {
        if (verdict != null) {
            return Optional.of(verdict);
        }
        int frameMs = Math.max(1, length * 1000 / sampleRate);
        totalMs += frameMs;
        if (silent(pcm, length, settings.silenceThreshold())) {
            consecutiveVoiceMs = 0;
            silenceMs += frameMs;
            if (inWord && silenceMs >= settings.betweenWordsSilenceMs()) {
                inWord = false;
            }
            if (!inGreeting && silenceMs >= settings.initialSilenceMs()) {
                return decide(Result.MACHINE, Reason.INITIAL_SILENCE);
            }
            if (inGreeting && silenceMs >= settings.afterGreetingSilenceMs()) {
                return decide(Result.HUMAN, Reason.AFTER_GREETING_SILENCE);
            }
        } else {
            silenceMs = 0;
            consecutiveVoiceMs += frameMs;
            voiceMs += frameMs;
            if (!inWord && consecutiveVoiceMs >= settings.minWordMs()) {
                words++;
                inWord = true;
                inGreeting = true;
            }
            if (words >= settings.maxWords()) {
                return decide(Result.MACHINE, Reason.MAX_WORDS);
            }
            if (inGreeting && voiceMs >= settings.greetingMs()) {
                return decide(Result.MACHINE, Reason.LONG_GREETING);
            }
            if (consecutiveVoiceMs >= settings.maxWordMs()) {
                return decide(Result.MACHINE, Reason.MAX_WORD_LENGTH);
            }
        }
        if (totalMs >= settings.maxMs()) {
            return decide(Result.UNKNOWN, Reason.MAX_ANALYSIS_TIME);
        }
        return Optional.empty();
    }

    /** Whether this frame ends the greeting: silence since the last voice for the after-greeting time. */
    public boolean quietFor(int ms) {
        return silenceMs >= ms;
    }

    /**
     * After a verdict: keeps counting silence so that the caller can wait for the end of a machine's
     * greeting or beep ({@link #quietFor}).
     */
    public void track(short[] pcm, int length, int sampleRate) {
        int frameMs = Math.max(1, length * 1000 / sampleRate);
        if (silent(pcm, length, settings.silenceThreshold())) {
            silenceMs += frameMs;
        } else {
            silenceMs = 0;
        }
    }

    private Optional<Verdict> decide(Result result, Reason reason) {
        verdict = new Verdict(result, reason, totalMs, words, voiceMs);
        return Optional.of(verdict);
    }
}
