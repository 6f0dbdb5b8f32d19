package io.voiceagent.media;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Agent audio waiting to be paced out, already in the line codec. Bounded two ways: past
 * {@code highWaterBytes} the stage returned by {@link #add} stays pending until the pacer has played
 * the queue back below it, so a well-behaved producer stops reading its socket; past
 * {@code hardLimitBytes} audio is dropped (and logged once) so a producer that ignores backpressure
 * cannot exhaust the heap. Stages complete and drain actions run on {@code callbacks}, never on
 * the pacing clock's thread.
 */
final class AgentAudioQueue {

    private static final System.Logger LOG = System.getLogger(AgentAudioQueue.class.getName());

    private record DrainWaiter(long position, Runnable action) {
    }

    private final String callId;
    private final int highWaterBytes;
    private final int hardLimitBytes;
    private final Executor callbacks;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> waitingForRoom = new ArrayList<>();
    private final List<DrainWaiter> drainWaiters = new ArrayList<>();
    private int headOffset;
    private long queuedBytes;
    private long enqueuedTotal;
    private long playedTotal;
    private long droppedBytes;
    private boolean overflowLogged;

    AgentAudioQueue(String callId, int highWaterBytes, int hardLimitBytes, Executor callbacks) {
        this.callId = callId;
        this.highWaterBytes = highWaterBytes;
        this.hardLimitBytes = hardLimitBytes;
        this.callbacks = callbacks;
    }

    /**
     * @param holding true while the call is not answered yet: nothing plays, so waiting for room
     *                would stall the producer (and its pings) for as long as the phone rings; only the
     *                hard limit applies then
     */
    CompletionStage<Void> add(byte[] lineAudio, boolean holding) {
        lock.lock();
        try {
            if (queuedBytes + lineAudio.length > hardLimitBytes) {
                droppedBytes += lineAudio.length;
                if (!overflowLogged) {
                    overflowLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "call {0}: agent audio queue full ({1} bytes): dropping audio;"
                            + " the producer is ignoring backpressure", callId, queuedBytes);
                }
            } else if (lineAudio.length > 0) {
                chunks.add(lineAudio);
                queuedBytes += lineAudio.length;
                enqueuedTotal += lineAudio.length;
            }
            if (holding || queuedBytes < highWaterBytes) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> room = new CompletableFuture<>();
            waitingForRoom.add(room);
            return room;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies up to {@code length} queued bytes into {@code out}, pads the rest with {@code silence}
     * and returns how many bytes were audio.
     */
    int poll(byte[] out, int offset, int length, byte silence) {
        int copied = 0;
        lock.lock();
        try {
            while (copied < length && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int n = Math.min(length - copied, head.length - headOffset);
                System.arraycopy(head, headOffset, out, offset + copied, n);
                copied += n;
                headOffset += n;
                if (headOffset == head.length) {
                    chunks.poll();
                    headOffset = 0;
                }
            }
            queuedBytes -= copied;
            playedTotal += copied;
            if (copied > 0) {
                release();
            }
        } finally {
            lock.unlock();
        }
        for (int i = copied; i < length; i++) {
            out[offset + i] = silence;
        }
        return copied;
    }

    /** Barge-in: forgets everything queued. */
    void clear() {
        lock.lock();
        try {
            chunks.clear();
            headOffset = 0;
            playedTotal += queuedBytes;
            queuedBytes = 0;
            release();
        } finally {
            lock.unlock();
        }
    }

    /** The call ended: producers waiting for room are released, drain actions are dropped. */
    void close() {
        lock.lock();
        try {
            drainWaiters.clear();
            chunks.clear();
            headOffset = 0;
            queuedBytes = 0;
            release();
        } finally {
            lock.unlock();
        }
    }

    void whenDrained(Runnable action) {
        lock.lock();
        try {
            if (queuedBytes == 0) {
                callbacks.execute(action);
            } else {
                drainWaiters.add(new DrainWaiter(enqueuedTotal, action));
            }
        } finally {
            lock.unlock();
        }
    }

    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    long droppedBytes() {
        lock.lock();
        try {
            return droppedBytes;
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        if (queuedBytes < highWaterBytes && !waitingForRoom.isEmpty()) {
            List<CompletableFuture<Void>> ready = List.copyOf(waitingForRoom);
            waitingForRoom.clear();
            callbacks.execute(() -> ready.forEach(f -> f.complete(null)));
        }
        for (Iterator<DrainWaiter> it = drainWaiters.iterator(); it.hasNext(); ) {
            DrainWaiter waiter = it.next();
            if (waiter.position <= playedTotal) {
                it.remove();
                callbacks.execute(waiter.action);
            }
        }
    }
}
