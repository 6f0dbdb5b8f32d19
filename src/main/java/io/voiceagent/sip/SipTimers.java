package io.voiceagent.sip;

import java.time.Duration;
import java.util.Objects;

/**
 * The RFC 3261 §17 timer base values, plus how often we refresh the NAT binding toward the registrar.
 * Tests pass short values; production uses {@link #rfc3261()}.
 */
public record SipTimers(Duration t1, Duration t2, Duration t4, Duration keepAliveInterval) {

    public SipTimers {
        Objects.requireNonNull(t1, "t1");
        Objects.requireNonNull(t2, "t2");
        Objects.requireNonNull(t4, "t4");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        if (t1.isNegative() || t1.isZero() || t2.compareTo(t1) < 0) {
            throw new IllegalArgumentException("need 0 < T1 <= T2, got T1=" + t1 + " T2=" + t2);
        }
    }

    /** T1 500 ms, T2 4 s, T4 5 s, CRLF keep-alive every 25 s. */
    public static SipTimers rfc3261() {
        return new SipTimers(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5),
                Duration.ofSeconds(25));
    }

    /** Timers B, F, H and J: 64·T1. */
    public Duration transactionTimeout() {
        return t1.multipliedBy(64);
    }
}
