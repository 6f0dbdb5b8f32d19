package io.voiceagent.recordings;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The one thread (virtual) that writes every call's recording: a recording with frames waiting is
 * queued here once ({@link Recording#scheduled}) and drained in turn, so no thread lives per call
 * and the media threads only ever touch a recording's bounded queue.
 */
final class RecordingWriter implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(RecordingWriter.class.getName());

    private final LinkedBlockingQueue<Recording> ready = new LinkedBlockingQueue<>();
    /** Queued by {@link #close}: everything queued before it is written first. */
    private final Recording endOfWork = new Recording("", java.nio.file.Path.of(""),
            io.voiceagent.config.Config.Recording.Format.PCM16, this);
    private final Consumer<Recording> onFinished;
    private Thread thread;

    RecordingWriter(Consumer<Recording> onFinished) {
        this.onFinished = onFinished;
    }

    /** Starts the writing thread; until then frames only queue up (and overflow), as in a stalled writer. */
    RecordingWriter start() {
        thread = Thread.ofVirtual().name("recording-writer").start(this::run);
        return this;
    }

    void schedule(Recording recording) {
        if (recording.scheduled.compareAndSet(false, true)) {
            ready.add(recording);
        }
    }

    private void run() {
        while (true) {
            Recording recording;
            try {
                recording = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            if (recording == endOfWork) {
                return;
            }
            recording.scheduled.set(false);
            try {
                if (recording.drain()) {
                    onFinished.accept(recording);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "call=" + recording.callId + " recording failed", e);
            }
        }
    }

    /** Finishes what is queued (the recordings of calls just hung up), for up to 5 s, then stops. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        ready.add(endOfWork);
        try {
            if (!thread.join(java.time.Duration.ofSeconds(5))) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
