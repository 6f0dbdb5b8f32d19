package io.voiceagent.call;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A time the far end held the call (RFC 3264 section 8.4); {@code end} is empty while it lasts. */
public record HoldPeriod(Instant start, Optional<Instant> end) {
    public HoldPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }
}
