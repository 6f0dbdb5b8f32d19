package io.voiceagent.sip;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Where registration stands; {@code detail} explains a failure (e.g. "403 Forbidden"). */
public record RegistrationStatus(State state, Optional<String> detail, Instant since,
                                 Optional<Instant> expiresAt) {
    public enum State {
        UNREGISTERED, REGISTERING, REGISTERED, FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
