package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceTrackerTest {

    private final SequenceTracker tracker = new SequenceTracker();

    @Test
    void countsGapsAndDuplicatesAcrossTheWrap() {
        for (int seq : new int[] {65533, 65534, 65535, 0, 2, 2, 3, 65535}) {
            tracker.record(seq);
        }

        assertThat(tracker.received()).isEqualTo(6);
        assertThat(tracker.duplicated()).isEqualTo(2);
        assertThat(tracker.lost()).isEqualTo(1); // 1 never came
    }

    @Test
    void aLatePacketIsNotLost() {
        for (int seq : new int[] {10, 12, 11}) {
            tracker.record(seq);
        }

        assertThat(tracker.lost()).isZero();
        assertThat(tracker.duplicated()).isZero();
    }
}
