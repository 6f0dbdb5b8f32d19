package io.voiceagent.demo.carrier;

import io.voiceagent.demo.carrier.SimulatedPhone.Stage;

/**
 * What the person on a simulated phone does, one 20 ms slot at a time: wait for the agent's
 * greeting to end (speech, then a pause), say the phrase, wait for the agent's reply (the goodbye)
 * to end, then hang up. A deadline after answering hangs up regardless. No I/O, no clock of its
 * own: fed the time and the last moment speech was heard, so that tests drive it directly.
 */
final class CallerScript {

    /** {@link #tick} result: send a silent frame. */
    static final int SILENCE = -1;
    /** {@link #tick} result: hang up now. */
    static final int HANG_UP = -2;
    /** The value of {@code lastSpeechAtNanos} before any speech was heard. */
    static final long NEVER = Long.MIN_VALUE;

    private final int phraseFrames;
    private final long answeredAtNanos;
    private final long endOfTurnSilenceNanos;
    private final long hangUpAfterNanos;
    private volatile Stage stage = Stage.AWAITING_GREETING;
    private int nextPhraseFrame;
    private long phraseEndedAtNanos;

    CallerScript(int phraseFrames, long answeredAtNanos, long endOfTurnSilenceNanos, long hangUpAfterNanos) {
        this.phraseFrames = phraseFrames;
        this.answeredAtNanos = answeredAtNanos;
        this.endOfTurnSilenceNanos = endOfTurnSilenceNanos;
        this.hangUpAfterNanos = hangUpAfterNanos;
    }

    /**
     * Advances to {@code nowNanos}. Returns the index of the phrase frame to send, {@link #SILENCE}
     * or {@link #HANG_UP} (once; afterwards always SILENCE).
     */
    int tick(long nowNanos, long lastSpeechAtNanos) {
        if (stage == Stage.FINISHED) {
            return SILENCE;
        }
        if (nowNanos - answeredAtNanos >= hangUpAfterNanos) {
            stage = Stage.FINISHED;
            return HANG_UP;
        }
        boolean heardSpeech = lastSpeechAtNanos != NEVER;
        boolean pauseAfterSpeech = heardSpeech && nowNanos - lastSpeechAtNanos >= endOfTurnSilenceNanos;
        switch (stage) {
            case AWAITING_GREETING -> {
                if (heardSpeech) {
                    stage = Stage.HEARING_GREETING;
                }
            }
            case HEARING_GREETING -> {
                if (pauseAfterSpeech) {
                    stage = Stage.SPEAKING;
                    nextPhraseFrame = 0;
                }
            }
            case AWAITING_REPLY -> {
                if (heardSpeech && lastSpeechAtNanos > phraseEndedAtNanos) {
                    stage = Stage.HEARING_REPLY;
                }
            }
            case HEARING_REPLY -> {
                if (pauseAfterSpeech) {
                    stage = Stage.FINISHED;
                    return HANG_UP;
                }
            }
            default -> { }
        }
        if (stage == Stage.SPEAKING) {
            int frame = nextPhraseFrame++;
            if (nextPhraseFrame >= phraseFrames) {
                stage = Stage.AWAITING_REPLY;
                phraseEndedAtNanos = nowNanos;
            }
            return frame;
        }
        return SILENCE;
    }

    Stage stage() {
        return stage;
    }
}
