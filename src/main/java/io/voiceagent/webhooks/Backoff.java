package io.voiceagent.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again: exponential from {@code first}, doubling per failure up to
 * {@code cap}, with "equal jitter" (half the delay fixed, half random) so that receivers coming back
 * after an outage are not hit by every sender's retries at the same instant. Nothing is tried once
 * {@code window} has passed since the event was created.
 */
public record Backoff(Duration first, Duration cap, Duration window) {
    /** 5 s, 10 s, 20 s … up to 1 h between attempts, for 24 h. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofHours(24));

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(window, "window");
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("expected 0 < first <= cap");
        }
    }

    /** The delay before the attempt after {@code failures} failed ones (1 or more), jitter included. */
    public Duration delay(int failures, RandomGenerator random) {
        long capMillis = cap.toMillis();
        long base = first.toMillis();
        for (int i = 1; i < failures && base < capMillis; i++) {
            base *= 2;
        }
        base = Math.min(base, capMillis);
        return Duration.ofMillis(base / 2 + (long) (random.nextDouble() * (base - base / 2)));
    }

    /** When to try an event created at {@code createdAt} again after {@code failures}; empty: give up. */
    public Optional<Instant> next(Instant createdAt, int failures, Instant now, RandomGenerator random) {
        Instant deadline = createdAt.plus(window);
        if (!now.isBefore(deadline)) {
            return Optional.empty();
        }
        Instant next = now.plus(delay(failures, random));
        // the last attempt falls on the deadline rather than being skipped
        return Optional.of(next.isAfter(deadline) ? deadline : next);
    }
}
