package io.voiceagent.recordings;

import io.voiceagent.os.ThreadPriority;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A thread that writes the recordings given to it ({@link Recordings} keeps {@value Recordings#WRITERS}
 * and gives each new recording to the next): a platform thread, not a virtual one, because a
 * file write blocks in the kernel (a direct write until the disk has it; a buffered one when the page
 * cache throttles writers) and the JDK does not always hand a virtual thread's carrier over for it,
 * so on a 2-core machine it would stall half of the service's virtual threads; on its own thread the
 * writer's CPU can also be read alone (the bench reports each thread's). Media threads only put frames in a
 * recording's ring; this thread drains every live recording each {@link #DRAIN_INTERVAL}
 * (the ring holds 2.5 s, so a tick of 100 ms leaves a wide margin) and writes each one's file in whole
 * blocks around the page cache ({@link WavFile}): ten wake-ups a second for all calls instead of a
 * hand-off per 20 ms per direction per call, and a 128 KiB write every 4 s instead of one per frame. A stopped recording wakes it at once, so a call's
 * file is closed as soon as the call ends.
 *
 * <p>The thread lowers its own priority to {@link #NICE}: on a machine short of CPU, the pacing and
 * receive threads are run first and the recordings fall behind instead (their rings hold 2.5 s, then
 * audio is dropped and the recording marked incomplete), as the recording must never delay a packet.
 * Measured at 500 calls on 2 cores shared with the simulated network (saturated), four runs at nice 5
 * kept every recording complete; an experiment at nice 10 with the service alone on one full core
 * left 83 % of them incomplete.
 */
final class RecordingWriter implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(RecordingWriter.class.getName());
    static final Duration DRAIN_INTERVAL = Duration.ofMillis(100);
    /** The writer's nice value: below the media threads' (0), not so low that a busy machine starves it. */
    static final int NICE = 5;
    /** How long a closing writer may go on finishing the recordings of calls just hung up. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Set<Recording> live = ConcurrentHashMap.newKeySet();
    /**
     * Buffers of finished recordings, for the next ones: never more sets than this writer had
     * recording at once (about 192 KiB each, all but 4 KiB outside the heap), kept while it has
     * nothing to record. Why kept: memory outside the heap goes back only once a collection of the
     * old generation, where the sets end up, finds them unreachable, which a quiet service may not
     * run for hours; dropped when idle, they stayed allocated while the next burst of calls allocated
     * a new set each, and the direct memory held grew past the peak it serves. Guarded by itself:
     * taken by the thread that starts a recording, given back by the writer.
     */
    private final ArrayDeque<RecordingBuffers> freeBuffers = new ArrayDeque<>();
    /** Finished recordings whose buffers a media thread may still be writing into; the writer thread's. */
    private final List<Recording> retiring = new ArrayList<>();
    private final Semaphore wake = new Semaphore(0);
    private final Consumer<Recording> onFinished;
    private volatile boolean closing;
    private Thread thread;

    RecordingWriter(Consumer<Recording> onFinished) {
        this.onFinished = onFinished;
    }

    /** Starts the writing thread; until then frames only pile up in the rings (and overflow), as in a stalled writer. */
    RecordingWriter start() {
        thread = Thread.ofPlatform().daemon().name("recording-writer").start(this::run);
        return this;
    }

    /** Buffers for a new recording: a finished recording's, or new ones when none is free. */
    RecordingBuffers borrowBuffers() {
        RecordingBuffers buffers;
        synchronized (freeBuffers) {
            buffers = freeBuffers.pollLast();
        }
        return buffers != null ? buffers : new RecordingBuffers();
    }

    /** The writer's thread, once started. */
    Thread thread() {
        return thread;
    }

    /** Recycled buffers waiting for a recording. */
    int freeBuffers() {
        synchronized (freeBuffers) {
            return freeBuffers.size();
        }
    }

    /** A new recording, drained from the next tick on; wakes a writer that had nothing to drain. */
    void add(Recording recording) {
        live.add(recording);
        wake.release();
    }

    /** A recording was stopped: finish it now rather than at the next tick. */
    void wake() {
        wake.release();
    }

    private void run() {
        String notLowered = ThreadPriority.setCurrentNice(NICE);
        if (!notLowered.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "the recording writer runs at the media threads' priority: " + notLowered);
        }
        while (!closing) {
            try {
                if (live.isEmpty() && retiring.isEmpty()) {
                    // Nothing to drain (most of the time with RECORDING=off): no wake-ups until a
                    // recording is added or the writer closes.
                    wake.acquire();
                } else {
                    wake.tryAcquire(DRAIN_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                return;
            }
            wake.drainPermits();
            drainAll();
        }
        drainAll(); // what was handed over before close: the recordings of calls just hung up
    }

    /** Writer thread (or a test in its place): one tick. */
    void drainAll() {
        for (Recording recording : live) {
            try {
                if (recording.drain()) {
                    live.remove(recording);
                    retiring.add(recording);
                    onFinished.accept(recording);
                }
            } catch (RuntimeException e) {
                live.remove(recording); // its buffers are left to the collector: their state is unknown
                LOG.log(System.Logger.Level.ERROR, "call=" + recording.callId + " recording failed", e);
            }
        }
        recycle();
    }

    /**
     * Gives back the buffers of finished recordings no media thread is handing a frame to any more;
     * the others wait for a later tick (a hand-over takes microseconds).
     */
    private void recycle() {
        for (Iterator<Recording> it = retiring.iterator(); it.hasNext(); ) {
            Recording recording = it.next();
            if (recording.handOversDone()) {
                it.remove();
                recording.buffers.reset();
                synchronized (freeBuffers) {
                    freeBuffers.addLast(recording.buffers);
                }
            }
        }
    }

    /** Finishes what was handed over (the recordings of calls just hung up), for up to 5 s, then stops. */
    @Override
    public void close() {
        beginClose();
        awaitClosed(System.nanoTime() + CLOSE_TIMEOUT.toNanos());
    }

    /** Tells the thread to finish what was handed over and stop; {@link #awaitClosed} waits for it. */
    void beginClose() {
        closing = true;
        wake.release();
    }

    /** Waits for the thread until {@code deadlineNanos} ({@link System#nanoTime}), then interrupts it. */
    void awaitClosed(long deadlineNanos) {
        if (thread == null) {
            return;
        }
        try {
            if (!thread.join(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())))) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
