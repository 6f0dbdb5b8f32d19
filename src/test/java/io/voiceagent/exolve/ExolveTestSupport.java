package io.voiceagent.exolve;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

final class ExolveTestSupport {
    static final String KEY = "exolve-test-key-7f3a";
    static final String SOURCE = "74951234567";
    static final String SIP_ID = "883140776920289";

    private ExolveTestSupport() {
    }

    /** The default call method (MakeCallback), no callback resource id. */
    static Config.Exolve config(URI apiUrl, Optional<String> key) {
        return config(apiUrl, key, Config.Exolve.CallMethod.CALLBACK, OptionalLong.empty());
    }

    static Config.Exolve config(URI apiUrl, Optional<String> key, Config.Exolve.CallMethod method,
                                OptionalLong callbackResourceId) {
        return new Config.Exolve(true, key.map(Secret::of), apiUrl, SOURCE, Optional.empty(), method,
                callbackResourceId);
    }

    /** Records the backoff instead of sleeping. */
    static final class RecordedPauses implements ExolveHttpApi.Pause {
        final List<Duration> pauses = new CopyOnWriteArrayList<>();

        @Override
        public void pause(Duration delay) {
            pauses.add(delay);
        }
    }
}
