package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.metrics.ServiceMetrics;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/** The media engines tests build: on 127.0.0.1, without STUN, with the default agent audio buffer. */
public final class TestMediaEngines {
    private TestMediaEngines() {
    }

    /** With its own clock thread and callback threads, as the service runs it. */
    public static MediaEngine onLoopback(Config.Rtp rtp, LongSupplier nanoClock, RandomGenerator random,
                                         ServiceMetrics metrics) {
        return new MediaEngine(rtp, "127.0.0.1", nanoClock, random, Config.ElevenLabs.DEFAULT_AGENT_AUDIO_BUFFER,
                Optional.empty(), metrics);
    }

    /** With the clock driven by the test through {@link MediaEngine#pacer()} and callbacks run on {@code callbacks}. */
    static MediaEngine drivenByTest(Config.Rtp rtp, LongSupplier nanoClock, RandomGenerator random,
                                    ExecutorService callbacks, ServiceMetrics metrics) {
        return new MediaEngine(rtp, "127.0.0.1", nanoClock, random, Config.ElevenLabs.DEFAULT_AGENT_AUDIO_BUFFER,
                Optional.empty(), false, metrics, callbacks);
    }

    /**
     * Moves a test-driven engine's clock {@code millis} on, tick by tick. At each step the receive
     * thread first catches up with the new time, as a running service's has by the time its clock
     * looks (unless the machine stalls it, which a test shows by not calling this), then the due
     * ticks run.
     */
    static void advance(MediaEngine engine, AtomicLong now, long millis) {
        runClock(engine, now, millis, nanos -> catchUp(engine, now, nanos));
    }

    /** {@link #advance} with the receive thread left where it is, as when the machine stalls it. */
    static void advanceClockOnly(MediaEngine engine, AtomicLong now, long millis) {
        runClock(engine, now, millis, nanos -> now.set(Math.max(now.get(), nanos)));
    }

    private static void runClock(MediaEngine engine, AtomicLong now, long millis, LongConsumer moveTo) {
        long target = now.get() + millis * 1_000_000;
        for (long next = engine.pacer().runDue(); next < target; next = engine.pacer().runDue()) {
            moveTo.accept(next);
        }
        moveTo.accept(target);
        engine.pacer().runDue();
    }

    private static void catchUp(MediaEngine engine, AtomicLong now, long nanos) {
        now.set(Math.max(now.get(), nanos));
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (engine.receiver().caughtUpToNanos() - now.get() < 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the receive thread did not catch up with the clock within 2 s");
            }
            engine.receiver().lookNow();
            LockSupport.parkNanos(20_000);
        }
    }
}
