package io.voiceagent.recordings;

import io.voiceagent.os.ThreadPriority;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A thread that writes the recordings given to it ({@link Recordings} keeps {@value Recordings#WRITERS}
 * and gives each new recording to the next): a platform thread, not a virtual one, because a
 * file write blocks in the kernel (a direct write until the disk has it; a buffered one when the page
 * cache throttles writers) and the JDK does not always hand a virtual thread's carrier over for it,
 * so on a 2-core machine it would stall half of the service's virtual threads; on its own thread the
 * writer's CPU can also be read alone (the bench reports each thread's). Media threads only put frames
 * in their own {@link FrameLog} for this writer; this thread merges its logs each
 * {@link #DRAIN_INTERVAL} (a log holds 2.5 s, so a tick of 100 ms leaves a wide margin) and writes
 * each recording's file in whole blocks around the page cache ({@link WavFile}): ten wake-ups a
 * second for all calls instead of a hand-off per 20 ms per direction per call, and a 128 KiB write
 * every 4 s instead of one per frame. A stopped recording wakes it at once, so a call's file is
 * closed as soon as the call ends.
 *
 * <p>The thread lowers its own priority to {@link #NICE}: on a machine short of CPU, the pacing and
 * receive threads are run first and the recordings fall behind instead (the logs hold 2.5 s, then
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
    /** The media threads that hand frames over in the service: the pacing and the receive thread. */
    static final int MEDIA_THREADS = 2;
    /** Slots of each media thread's log. */
    private final int logFrames;
    /**
     * Logs made ahead for media threads to take, on the threads that start recordings: a media
     * thread, the real-time pacing clock among them, would otherwise allocate and zero megabytes at
     * its first frame, and could wait for the JDK's limit on memory outside the heap.
     */
    private final Queue<FrameLog> spareLogs = new ConcurrentLinkedQueue<>();
    /** Logs made so far, taken or spare. */
    private final AtomicInteger logsMade = new AtomicInteger();
    /** Each media thread's log for this writer, made when the thread hands over its first frame. */
    private final ThreadLocal<FrameLog> threadsLog = ThreadLocal.withInitial(this::newLog);
    /** The logs, in the order their threads first handed a frame over; read by the writer thread. */
    private final List<FrameLog> logs = new CopyOnWriteArrayList<>();
    /**
     * Buffers of finished recordings, for the next ones: never more sets than this writer had
     * recording at once (about 136 KiB each, all but 4 KiB outside the heap), kept while it has
     * nothing to record. Why kept: memory outside the heap goes back only once a collection of the
     * old generation, where the sets end up, finds them unreachable, which a quiet service may not
     * run for hours; dropped when idle, they stayed allocated while the next burst of calls allocated
     * a new set each, and the direct memory held grew past the peak it serves. Guarded by itself:
     * taken by the thread that starts a recording, given back by the writer.
     */
    private final ArrayDeque<RecordingBuffers> freeBuffers = new ArrayDeque<>();
    private final Semaphore wake = new Semaphore(0);
    private final Consumer<Recording> onFinished;
    private volatile boolean closing;
    private Thread thread;

    /** A writer whose media threads each get a log of {@code logFrames} slots (a power of two). */
    RecordingWriter(Consumer<Recording> onFinished, int logFrames) {
        this.onFinished = onFinished;
        this.logFrames = FrameLog.checkFrames(logFrames);
    }

    /** Starts the writing thread; until then frames only pile up in the logs (and overflow), as in a stalled writer. */
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

    /** The media threads with a log here. */
    int logs() {
        return logs.size();
    }

    /** Logs made ahead, not yet taken by a media thread. */
    int spareLogs() {
        return spareLogs.size();
    }

    /** The calling media thread's log for this writer. */
    FrameLog logOfThisThread() {
        return threadsLog.get();
    }

    /** A spare log, or a new one when a thread beyond the expected ones hands frames over. */
    private FrameLog newLog() {
        FrameLog spare = spareLogs.poll();
        FrameLog log = (spare != null ? spare : new FrameLog(logFrames)).claim();
        logs.add(log);
        return log;
    }

    /**
     * A new recording, drained from the next tick on; wakes a writer that had nothing to drain. The
     * first ones make the logs the media threads will take.
     */
    void add(Recording recording) {
        for (int made = logsMade.get(); made < MEDIA_THREADS; made = logsMade.get()) {
            if (logsMade.compareAndSet(made, made + 1)) {
                spareLogs.add(new FrameLog(logFrames));
            }
        }
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
                if (live.isEmpty()) {
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

    /**
     * Writer thread (or a test in its place): one tick. Notes which recordings are stopped, then takes
     * every frame the logs hold, merged in stamp order (a phone frame before a sent one of the same
     * stamp), and finishes the stopped recordings: every frame they were handed before the stop was
     * among those. Their buffers go back at once: no media thread touches them.
     */
    void drainAll() {
        // Read before the logs' counts: every frame handed over before the stop is then in them.
        List<Recording> stopped = live.stream().filter(Recording::stopped).toList();
        mergeLogs();
        for (Recording recording : stopped) {
            if (!live.remove(recording)) {
                continue; // failed while its frames were taken
            }
            try {
                recording.finish();
            } catch (RuntimeException e) {
                failed(recording, e);
                continue;
            }
            synchronized (freeBuffers) {
                freeBuffers.addLast(recording.buffers);
            }
            onFinished.accept(recording);
        }
        logs.removeIf(FrameLog::finished);
    }

    /**
     * Takes what each log held when the merge began, oldest stamp first across the logs (within one
     * log, in its order: a thread's stamps do not go back).
     */
    private void mergeLogs() {
        FrameLog[] merging = logs.toArray(FrameLog[]::new);
        long[] next = new long[merging.length];
        long[] end = new long[merging.length];
        for (int i = 0; i < merging.length; i++) {
            end[i] = merging[i].published();
            next[i] = merging[i].taken();
        }
        while (true) {
            int oldest = -1;
            long oldestStamp = 0;
            boolean oldestSent = false;
            for (int i = 0; i < merging.length; i++) {
                if (next[i] == end[i]) {
                    continue;
                }
                long stamp = merging[i].stamp(next[i]);
                boolean sent = Recording.sent(merging[i].kind(next[i]));
                if (oldest < 0 || stamp < oldestStamp || stamp == oldestStamp && oldestSent && !sent) {
                    oldest = i;
                    oldestStamp = stamp;
                    oldestSent = sent;
                }
            }
            if (oldest < 0) {
                break;
            }
            take(merging[oldest], next[oldest]++);
        }
        for (int i = 0; i < merging.length; i++) {
            merging[i].takenUpTo(end[i]);
        }
    }

    private void take(FrameLog log, long frame) {
        Recording recording = log.owner(frame);
        try {
            recording.take(log, frame);
        } catch (RuntimeException e) {
            failed(recording, e);
        }
    }

    /** A bug broke the recording: its later frames are ignored, its buffers left to the collector. */
    private void failed(Recording recording, RuntimeException e) {
        recording.abandon();
        live.remove(recording);
        LOG.log(System.Logger.Level.ERROR, "call=" + recording.callId + " recording failed", e);
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
