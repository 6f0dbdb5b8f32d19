package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.metrics.ServiceMetrics;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
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
}
