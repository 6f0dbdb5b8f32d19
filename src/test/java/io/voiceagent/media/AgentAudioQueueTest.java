package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AgentAudioQueueTest {

    private final AgentAudioQueue queue = new AgentAudioQueue("call", 1000, 3000, Runnable::run);
    private final byte[] packet = new byte[160];

    private static byte[] bytes(int length, int value) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }

    @Test
    void theStageWaitsForRoomBelowTheHighWaterMark() {
        assertThat(queue.add(bytes(900, 1), false).toCompletableFuture()).isDone();
        CompletableFuture<Void> room = queue.add(bytes(400, 1), false).toCompletableFuture();
        assertThat(room).isNotDone();
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(room).isNotDone();
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(room).isDone();
    }

    @Test
    void audioBeyondTheHardLimitIsDroppedNotQueued() {
        queue.add(bytes(2500, 1), false);
        queue.add(bytes(1000, 2), false);
        assertThat(queue.queuedBytes()).isEqualTo(2500);
        assertThat(queue.droppedBytes()).isEqualTo(1000);
    }

    @Test
    void pollPadsAShortTailWithSilenceAndSpansChunks() {
        queue.add(bytes(100, 1), false);
        queue.add(bytes(30, 2), false);
        assertThat(queue.poll(packet, 0, 160, (byte) 9)).isEqualTo(130);
        assertThat(packet[0]).isEqualTo((byte) 1);
        assertThat(packet[100]).isEqualTo((byte) 2);
        assertThat(packet[130]).isEqualTo((byte) 9);
        assertThat(packet[159]).isEqualTo((byte) 9);
    }

    @Test
    void drainActionsWaitForWhatWasQueuedBeforeThem() {
        AtomicInteger ran = new AtomicInteger();
        queue.add(bytes(320, 1), false);
        queue.whenDrained(ran::incrementAndGet);
        queue.add(bytes(320, 1), false);
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(ran).hasValue(0);
        queue.poll(packet, 0, 160, (byte) 0);
        assertThat(ran).hasValue(1);
        queue.whenDrained(ran::incrementAndGet);
        queue.clear();
        assertThat(ran).hasValue(2);
    }

    @Test
    void closingReleasesWaitingProducersButDropsDrainActions() {
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Void> room = queue.add(bytes(1500, 1), false).toCompletableFuture();
        queue.whenDrained(ran::incrementAndGet);
        queue.close();
        assertThat(room).isDone();
        assertThat(ran).hasValue(0);
    }
}
