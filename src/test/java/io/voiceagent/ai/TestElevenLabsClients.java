package io.voiceagent.ai;

import io.voiceagent.config.Config;
import io.voiceagent.metrics.ServiceMetrics;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/** The ElevenLabs clients tests build: straight through the test's HTTP client, with no proxy to blame. */
final class TestElevenLabsClients {
    private TestElevenLabsClients() {
    }

    /** On the system clock, counting into a registry of the test's own. */
    static ElevenLabsClient direct(Config.ElevenLabs config, HttpClient http, Duration handshakeTimeout) {
        return new ElevenLabsClient(config, http, handshakeTimeout, failure -> Optional.empty(), System::nanoTime,
                new ServiceMetrics());
    }
}
