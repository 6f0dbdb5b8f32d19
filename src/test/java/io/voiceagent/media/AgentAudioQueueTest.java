package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AgentAudioQueueTest {

    private final AgentAudioQueue queue = new AgentAudioQueue("call", 3000, Runnable::run);
    private final byte[] packet = new byte[160];

    private static byte[] bytes(int length, int value) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }

    @Test
    void pastTheLimitTheOldestAudioIsDroppedAndCounted() {
        queue.add(bytes(2500, 1));
        queue.add(bytes(1000, 2));
        assertThat(queue.queuedBytes()).isEqualTo(3000);
        assertThat(queue.droppedBytes()).isEqualTo(500);
        assertThat(queue.maxQueuedBytes()).isEqualTo(3000);
        // What is left starts 500 bytes into the first chunk and ends with the newest audio.
        queue.poll(new byte[1999], 0, 1999, (byte) 0);
        assertThat(queue.poll(packet, 0, 1, (byte) 0)).isEqualTo(1);
        assertThat(packet[0]).isEqualTo((byte) 1);
        assertThat(queue.poll(packet, 0, 1, (byte) 0)).isEqualTo(1);
        assertThat(packet[0]).isEqualTo((byte) 2);
    }

    @Test
    void pollPadsAShortTailWithSilenceAndSpansChunks() {
        queue.add(bytes(100, 1));
        queue.add(bytes(30, 2));
        assertThat(queue.poll(packet, 0, 160, (byte) 9)).isEqualTo(130);
        assertThat(packet[0]).isEqualTo((byte) 1);
        assertThat(packet[100]).isEqualTo((byte) 2);
        assertThat(packet[130]).isEqualTo((byte) 9);
        assertThat(packet[159]).isEqualTo((byte) 9);
    }

    @Test
    void drainActionsWaitForWhatWasQueuedBeforeThem() {
        AtomicInteger ran = new AtomicInteger();
        queue.add(bytes(320, 1));
        queue.whenDrained(ran::incrementAndGet);
        queue.add(bytes(320, 1));
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(ran).hasValue(0);
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(ran).hasValue(1);
        queue.whenDrained(ran::incrementAndGet);
        queue.clear();
        assertThat(ran).hasValue(2);
    }

    @Test
    void audioDroppedAsTheOldestCountsAsGoneForDrainActions() {
        AtomicInteger ran = new AtomicInteger();
        queue.add(bytes(1000, 1));
        queue.whenDrained(ran::incrementAndGet);
        queue.add(bytes(3000, 2));
        assertThat(ran).hasValue(1);
    }

    @Test
    void closingDropsDrainActions() {
        AtomicInteger ran = new AtomicInteger();
        queue.add(bytes(1500, 1));
        queue.whenDrained(ran::incrementAndGet);
        queue.close();
        queue.clear();
        assertThat(ran).hasValue(0);
        assertThat(queue.queuedBytes()).isZero();
    }
}
