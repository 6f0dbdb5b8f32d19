package io.voiceagent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final RandomGenerator LOWEST = () -> 0L;
    private static final RandomGenerator HIGHEST = () -> -1L;

    @Test
    void delays_double_from_five_seconds_up_to_an_hour_with_half_of_each_random() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.delay(1, LOWEST)).isEqualTo(Duration.ofMillis(2500));
        assertThat(b.delay(1, HIGHEST)).isBetween(Duration.ofMillis(4999), Duration.ofSeconds(5));
        assertThat(b.delay(2, LOWEST)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(3, LOWEST)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.delay(11, LOWEST)).isEqualTo(Duration.ofMinutes(30)); // capped at 1 h, halved
        assertThat(b.delay(1000, HIGHEST)).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    }

    @Test
    void the_last_attempt_falls_on_the_window_s_end_and_then_it_gives_up() {
        Instant created = Instant.parse("2026-12-01T00:00:00Z");
        Backoff b = Backoff.DEFAULT;
        Instant nearEnd = created.plus(Duration.ofHours(23).plusMinutes(50));
        assertThat(b.next(created, 30, nearEnd, HIGHEST)).contains(created.plus(Duration.ofHours(24)));
        assertThat(b.next(created, 31, created.plus(Duration.ofHours(24)), LOWEST)).isEmpty();
        assertThat(b.next(created, 1, created, LOWEST)).contains(created.plusMillis(2500));
    }
}
