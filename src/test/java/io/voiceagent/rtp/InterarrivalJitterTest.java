package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** RFC 3550 appendix A.8. */
class InterarrivalJitterTest {

    private static final long MS = 1_000_000;

    @Test
    void packetsArrivingOnTheirTimestampsHaveNoJitter() {
        InterarrivalJitter jitter = new InterarrivalJitter(8000);
        for (int i = 0; i < 100; i++) {
            jitter.update(1000 + 160L * i, 7 * MS + 20 * MS * i);
        }
        assertThat(jitter.jitterUnits()).isZero();
    }

    @Test
    void alternatingDelayConvergesToTheDelayDifference() {
        InterarrivalJitter jitter = new InterarrivalJitter(8000);
        for (int i = 0; i < 500; i++) {
            long delay = i % 2 == 0 ? 0 : 5 * MS;
            jitter.update(160L * i, 20 * MS * i + delay);
        }
        // |D| is 5 ms = 40 units each time; J -> 40.
        assertThat(jitter.jitterUnits()).isCloseTo(40, within(0.5));
        assertThat(jitter.jitterMillis()).isCloseTo(5, within(0.1));
    }

    @Test
    void timestampWrapIsNotJitter() {
        InterarrivalJitter jitter = new InterarrivalJitter(8000);
        long ts = 0xFFFFFFFFL - 320;
        for (int i = 0; i < 10; i++) {
            jitter.update((ts + 160L * i) & 0xFFFFFFFFL, 20 * MS * i);
        }
        assertThat(jitter.jitterUnits()).isZero();
    }
}
