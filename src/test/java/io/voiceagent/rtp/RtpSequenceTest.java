package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import static io.voiceagent.rtp.RtpSequence.Verdict.INVALID;
import static io.voiceagent.rtp.RtpSequence.Verdict.PROBATION;
import static io.voiceagent.rtp.RtpSequence.Verdict.RESTARTED;
import static io.voiceagent.rtp.RtpSequence.Verdict.VALID;
import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3550 appendix A.1 and A.3. */
class RtpSequenceTest {

    private final RtpSequence sequence = new RtpSequence();

    @Test
    void aSourceIsValidAfterTwoPacketsInSequence() {
        assertThat(sequence.update(100)).isEqualTo(PROBATION);
        assertThat(sequence.update(101)).isEqualTo(VALID);
        assertThat(sequence.update(102)).isEqualTo(VALID);
        assertThat(sequence.received()).isEqualTo(2);
        assertThat(sequence.lost()).isZero();
    }

    @Test
    void countsLossAcrossTheWrap() {
        sequence.update(65533);
        sequence.update(65534);
        sequence.update(65535);
        sequence.update(2); // 0 and 1 lost
        sequence.update(3);
        assertThat(sequence.extendedMax()).isEqualTo(65536 + 3);
        assertThat(sequence.expected()).isEqualTo(6);
        assertThat(sequence.lost()).isEqualTo(2);
    }

    @Test
    void aLateReorderedPacketStillCounts() {
        sequence.update(10);
        sequence.update(11);
        sequence.update(13);
        assertThat(sequence.lost()).isEqualTo(1);
        assertThat(sequence.update(12)).isEqualTo(VALID);
        assertThat(sequence.lost()).isZero();
    }

    @Test
    void aBigJumpIsDroppedUntilTheNextPacketConfirmsARestart() {
        sequence.update(10);
        sequence.update(11);
        assertThat(sequence.update(40000)).isEqualTo(INVALID);
        assertThat(sequence.update(40001)).isEqualTo(RESTARTED);
        assertThat(sequence.update(40002)).isEqualTo(VALID);
        assertThat(sequence.lost()).isZero();
    }

    @Test
    void aSingleStrayPacketDoesNotRestartTheSource() {
        sequence.update(10);
        sequence.update(11);
        assertThat(sequence.update(40000)).isEqualTo(INVALID);
        assertThat(sequence.update(12)).isEqualTo(VALID);
        assertThat(sequence.update(50000)).isEqualTo(INVALID);
    }
}
