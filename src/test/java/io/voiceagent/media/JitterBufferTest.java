package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Fed packets and a fake clock; the frames that come out, and when, are the behaviour. */
class JitterBufferTest {

    private static final long MS = 1_000_000;
    private final List<String> out = new ArrayList<>();
    private final JitterBuffer buffer = new JitterBuffer(3, 60 * MS, new JitterBuffer.Output() {
        @Override
        public void frame(byte[] payload) {
            out.add(Integer.toString(payload[0]));
        }

        @Override
        public void silence() {
            out.add("-");
        }
    });

    private void offer(int seq, long atMs) {
        buffer.offer(seq & 0xFFFF, new byte[]{(byte) seq}, atMs * MS);
    }

    @Test
    void inOrderPacketsComeOutImmediately() {
        offer(10, 0);
        assertThat(out).containsExactly("10");
        offer(11, 20);
        assertThat(out).containsExactly("10", "11");
        assertThat(buffer.heldPackets()).isZero();
    }

    @Test
    void aReorderedPacketIsPutBackInPlace() {
        offer(1, 0);
        offer(3, 40);
        assertThat(out).containsExactly("1");
        offer(2, 45);
        assertThat(out).containsExactly("1", "2", "3");
        assertThat(buffer.concealed()).isZero();
    }

    @Test
    void aLostPacketBecomesSilenceOnceThreePacketsArePastIt() {
        offer(1, 0);
        offer(3, 40);
        offer(4, 60);
        assertThat(out).containsExactly("1");
        offer(5, 80);
        assertThat(out).containsExactly("1", "-", "3", "4", "5");
        assertThat(buffer.concealed()).isEqualTo(1);
        offer(2, 85);
        assertThat(out).hasSize(5);
        assertThat(buffer.late()).isEqualTo(1);
    }

    @Test
    void aHeldPacketWaitsNoLongerThanTheWindow() {
        offer(1, 0);
        offer(3, 40);
        buffer.expire(99 * MS);
        assertThat(out).containsExactly("1");
        buffer.expire(100 * MS);
        assertThat(out).containsExactly("1", "-", "3");
    }

    @Test
    void duplicatesAreDroppedWhetherPlayedOrHeld() {
        offer(1, 0);
        offer(1, 1);
        offer(3, 40);
        offer(3, 41);
        assertThat(out).containsExactly("1");
        assertThat(buffer.duplicates()).isEqualTo(2);
        offer(2, 42);
        assertThat(out).containsExactly("1", "2", "3");
    }

    @Test
    void sequenceNumbersWrapAround() {
        offer(65534, 0);
        offer(0, 40);
        offer(65535, 41);
        offer(1, 60);
        assertThat(out).containsExactly("-2", "-1", "0", "1");
    }

    @Test
    void aLargeJumpIsANewStreamNotSecondsOfSilence() {
        offer(1, 0);
        offer(1001, 20);
        assertThat(out).containsExactly("1", Integer.toString((byte) 1001));
    }

    @Test
    void aPacketWithoutAudioHoldsItsPlaceAsSilence() {
        offer(1, 0);
        buffer.offer(2, null, 20 * MS);
        offer(3, 40);
        assertThat(out).containsExactly("1", "-", "3");
        assertThat(buffer.concealed()).isZero();
    }
}
