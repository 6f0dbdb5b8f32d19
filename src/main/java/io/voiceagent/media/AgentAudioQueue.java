package io.voiceagent.media;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Agent audio waiting to be paced out, already in the line codec. The agent streams speech several
 * times faster than real time and its socket is never paused, so this queue is where a long answer
 * waits: bounded by duration ({@code limitBytes} of 8 kHz audio), past which the oldest audio is
 * dropped and counted. Adding never waits. Drain actions run on {@code callbacks}, never on the
 * pacing clock's thread. One short lock; nothing blocks under it.
 */
final class AgentAudioQueue {

    private static final System.Logger LOG = System.getLogger(AgentAudioQueue.class.getName());

    private record DrainWaiter(long position, Runnable action) {
    }

    private final String callId;
    private final long limitBytes;
    private final Executor callbacks;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final List<DrainWaiter> drainWaiters = new ArrayList<>();
    private int headOffset;
    private long queuedBytes;
    private long enqueuedTotal;
    /** Bytes that left the queue: played, dropped as the oldest, or cleared by a barge-in. */
    private long consumedTotal;
    private long droppedBytes;
    private long maxQueuedBytes;
    private boolean overflowLogged;

    AgentAudioQueue(String callId, long limitBytes, Executor callbacks) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.callId = callId;
        this.limitBytes = limitBytes;
        this.callbacks = callbacks;
    }

    /** Queues audio; past the limit the oldest queued audio makes room and is counted as dropped. */
    void add(byte[] lineAudio) {
        if (lineAudio.length == 0) {
            return;
        }
        lock.lock();
        try {
            chunks.add(lineAudio);
            queuedBytes += lineAudio.length;
            enqueuedTotal += lineAudio.length;
            long excess = queuedBytes - limitBytes;
            if (excess > 0) {
                dropOldest(excess);
            }
            maxQueuedBytes = Math.max(maxQueuedBytes, queuedBytes);
        } finally {
            lock.unlock();
        }
    }

    private void dropOldest(long bytes) {
        long dropped = 0;
        while (dropped < bytes && !chunks.isEmpty()) {
            byte[] head = chunks.peek();
            int n = (int) Math.min(bytes - dropped, head.length - headOffset);
            dropped += n;
            headOffset += n;
            if (headOffset == head.length) {
                chunks.poll();
                headOffset = 0;
            }
        }
        queuedBytes -= dropped;
        consumedTotal += dropped;
        droppedBytes += dropped;
        if (!overflowLogged) {
            overflowLogged = true;
            LOG.log(System.Logger.Level.WARNING, "call {0}: more than {1} s of agent audio queued: dropping the oldest",
                    callId, limitBytes / LineCodec.SAMPLE_RATE);
        }
        release();
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
            consumedTotal += copied;
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

    /** Barge-in: forgets everything queued, so the next poll is silence. */
    void clear() {
        lock.lock();
        try {
            chunks.clear();
            headOffset = 0;
            consumedTotal += queuedBytes;
            queuedBytes = 0;
            release();
        } finally {
            lock.unlock();
        }
    }

    /** The call ended: drain actions are dropped with the audio. */
    void close() {
        lock.lock();
        try {
            drainWaiters.clear();
            chunks.clear();
            headOffset = 0;
            queuedBytes = 0;
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

    /** The deepest the queue has been, in bytes (8 kHz: 8 per millisecond). */
    long maxQueuedBytes() {
        lock.lock();
        try {
            return maxQueuedBytes;
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
        for (Iterator<DrainWaiter> it = drainWaiters.iterator(); it.hasNext(); ) {
            DrainWaiter waiter = it.next();
            if (waiter.position <= consumedTotal) {
                it.remove();
                callbacks.execute(waiter.action);
            }
        }
    }
}
