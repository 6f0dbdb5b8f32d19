package io.voiceagent.call;

import io.voiceagent.config.Config;
import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.AnsweringMachineDetector;
import io.voiceagent.media.G711;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * AMD=local for one call: the caller audio of the first seconds after the answer (as it goes to
 * the agent) is analysed while the agent's greeting is held. It says once what was heard and, for
 * a machine whose message is to be left, when its greeting and beep are over (silence for the
 * after-greeting time, or {@link #GREETING_END_LIMIT_MS} at most). Runs on the media thread that
 * delivers caller audio; its lock is a leaf.
 */
final class MachineDetection {

    /** Past this after a machine verdict the message starts even if the greeting never falls silent. */
    static final int GREETING_END_LIMIT_MS = 30_000;

    /** What the call should do after a chunk. */
    sealed interface Step {
        /** Still listening: keep the greeting held and the caller's audio from the agent. */
        record Listening() implements Step {
        }

        /** The verdict, the moment it is reached. */
        record Decided(AnsweringMachineDetector.Verdict verdict) implements Step {
        }

        /** A machine's greeting (and beep) is over: the agent may leave its message. */
        record GreetingOver(int afterMs) implements Step {
        }

        /** Done: pass caller audio on as usual. */
        record Done() implements Step {
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final AnsweringMachineDetector detector;
    private final Config.Amd settings;
    private final boolean waitForGreetingEnd;
    private boolean decided;
    private boolean done;
    private int sinceVerdictMs;
    private short[] samples = new short[0];

    MachineDetection(Config.Amd settings, Config.VoicemailAction action) {
        this.settings = settings;
        this.detector = new AnsweringMachineDetector(settings);
        this.waitForGreetingEnd = action == Config.VoicemailAction.LEAVE_MESSAGE;
    }

    /** One chunk of caller audio in the agent's input format. */
    Step onAudio(byte[] chunk, AgentAudioFormat format) {
        lock.lock();
        try {
            if (done) {
                return new Step.Done();
            }
            int length = decode(chunk, format);
            if (!decided) {
                Optional<AnsweringMachineDetector.Verdict> verdict = detector.onFrame(samples, length, format.sampleRate());
                if (verdict.isEmpty()) {
                    return new Step.Listening();
                }
                decided = true;
                done = verdict.get().result() != AnsweringMachineDetector.Result.MACHINE || !waitForGreetingEnd;
                return new Step.Decided(verdict.get());
            }
            detector.track(samples, length, format.sampleRate());
            sinceVerdictMs += length * 1000 / format.sampleRate();
            if (detector.quietFor(settings.afterGreetingSilenceMs()) || sinceVerdictMs >= GREETING_END_LIMIT_MS) {
                done = true;
                return new Step.GreetingOver(sinceVerdictMs);
            }
            return new Step.Listening();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the greeting is still held. */
    boolean listening() {
        lock.lock();
        try {
            return !done;
        } finally {
            lock.unlock();
        }
    }

    private int decode(byte[] chunk, AgentAudioFormat format) {
        int length = format.isPcm() ? chunk.length / 2 : chunk.length;
        if (samples.length < length) {
            samples = new short[length];
        }
        for (int i = 0; i < length; i++) {
            samples[i] = format.isPcm()
                    ? (short) ((chunk[2 * i] & 0xFF) | (chunk[2 * i + 1] << 8))
                    : G711.ulawToLinear(chunk[i]);
        }
        return length;
    }
}
