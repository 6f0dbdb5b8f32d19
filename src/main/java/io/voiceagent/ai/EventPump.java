package io.voiceagent.ai;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands a conversation's events to its {@link AgentListener} one at a time, in order, each after
 * the previous one's stage has completed. The socket reader keeps going while fewer than
 * {@code highWater} events wait (so pings are answered and interruptions seen while the listener
 * is busy) and pauses beyond that, until deliveries make room: that is what slows a bursting agent
 * down to the pace of the call's audio queue.
 */
final class EventPump {
    private static final System.Logger LOG = System.getLogger(EventPump.class.getName());

    private final AgentListener listener;
    private final Runnable resumeReading;
    private final int highWater;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<AgentEvent> waiting = new ArrayDeque<>();
    private boolean delivering;
    private boolean readerPaused;
    private boolean silenced;

    /** {@code resumeReading} is run, outside any lock, when a paused reader may read again. */
    EventPump(AgentListener listener, Runnable resumeReading, int highWater) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.resumeReading = Objects.requireNonNull(resumeReading, "resumeReading");
        if (highWater < 1) {
            throw new IllegalArgumentException("highWater must be positive: " + highWater);
        }
        this.highWater = highWater;
    }

    void offer(AgentEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (silenced) {
                return;
            }
            waiting.addLast(event);
            if (delivering) {
                return;
            }
            delivering = true;
        } finally {
            lock.unlock();
        }
        deliverWaiting();
    }

    /**
     * Called by the reader after each message: true if it may read the next one now; false means
     * it is paused and {@code resumeReading} will be run once the listener has caught up.
     */
    boolean continueReading() {
        lock.lock();
        try {
            readerPaused = waiting.size() >= highWater && !silenced;
            return !readerPaused;
        } finally {
            lock.unlock();
        }
    }

    /** Drops waiting agent audio an interruption has cut off; returns how many chunks went. */
    int discardAudioUpTo(int eventId) {
        lock.lock();
        try {
            int discarded = 0;
            for (Iterator<AgentEvent> it = waiting.iterator(); it.hasNext(); ) {
                if (it.next() instanceof AgentEvent.Audio audio && audio.eventId() <= eventId) {
                    it.remove();
                    discarded++;
                }
            }
            return discarded;
        } finally {
            lock.unlock();
        }
    }

    /** Delivers nothing more, e.g. after the conversation was closed from our side. */
    void silence() {
        boolean resume;
        lock.lock();
        try {
            silenced = true;
            waiting.clear();
            resume = readerPaused;
            readerPaused = false;
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
    }

    int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Delivers until the queue is empty or a stage is still pending; a pending stage resumes the
     * loop when it completes. Stages that complete at once are followed here, without recursion.
     */
    private void deliverWaiting() {
        for (;;) {
            AgentEvent next;
            lock.lock();
            try {
                next = silenced ? null : waiting.pollFirst();
                if (next == null) {
                    delivering = false;
                }
            } finally {
                lock.unlock();
            }
            // Taking an event out makes room: a paused reader may go on while the listener works.
            resumeReaderIfRoom();
            if (next == null) {
                return;
            }
            CompletionStage<?> stage = deliver(next);
            if (stage == null) {
                continue;
            }
            // 0: still in this loop, 1: completed while in it, 2: this loop has returned
            AtomicInteger progress = new AtomicInteger();
            stage.whenComplete((result, failure) -> {
                if (failure != null) {
                    LOG.log(System.Logger.Level.DEBUG, "listener failed on an agent event: {0}", failure.toString());
                }
                if (!progress.compareAndSet(0, 1)) {
                    deliverWaiting();
                }
            });
            if (progress.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private CompletionStage<?> deliver(AgentEvent event) {
        try {
            return listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "listener threw on " + event.getClass().getSimpleName(), e);
            return null;
        }
    }

    private void resumeReaderIfRoom() {
        boolean resume;
        lock.lock();
        try {
            resume = readerPaused && waiting.size() < highWater;
            if (resume) {
                readerPaused = false;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
    }
}
