package io.voiceagent.recordings;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The frames one media thread handed over to the recordings of one {@link RecordingWriter}, in the
 * order it handed them over, whichever call each belongs to: put by that thread alone, taken by the
 * writer by counts (release/acquire, no lock).
 *
 * <p>Why one log per thread rather than a ring per recording: the pacing clock hands over a frame
 * for each of 500 calls every 20 ms, and with a ring per call each hand-over wrote to a slot and
 * counters last touched seconds earlier by the writer on the other core, every line a cache miss:
 * about 1 µs a hand-over measured in the service at full load, 2.5 % of a core on the real-time
 * thread. A thread's log is written front to back, so the lines it writes come in order and the
 * processor fetches them ahead (README, "Recording's cost").
 *
 * <p>Each slot holds a frame's stamp, kind and length, then its audio, in whole cache lines (the
 * owner, the {@link Recording} the frame is for, in an array beside the slots, on the heap). Outside
 * the heap, as the collector need never copy it.
 */
final class FrameLog {
    /** Slots a log keeps per call it serves: 2.56 s of frames, 25 of the writer's ticks. */
    static final int FRAMES_PER_CALL = 128;
    private static final int CACHE_LINE = 64;
    private static final int STAMP = 0;
    private static final int KIND = 8;
    private static final int LENGTH = 9;
    /** Where a slot's audio starts: after its stamp, kind and length. */
    static final int AUDIO = 16;
    /** A slot: its header and 20 ms of G.711, rounded up to whole cache lines. */
    static final int SLOT_BYTES = (AUDIO + Recording.FRAME_SAMPLES + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    private static final VarHandle PUBLISHED;
    private static final VarHandle TAKEN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED = lookup.findVarHandle(FrameLog.class, "published", long.class);
            TAKEN = lookup.findVarHandle(FrameLog.class, "taken", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The thread that puts frames here, once it has taken the log ({@link #claim}); the log goes once
     * the thread has ended and everything is taken. Published to the writer with the log.
     */
    private Thread producer;
    private final int mask;
    /** The slots, {@link #SLOT_BYTES} each, in the machine's byte order. */
    final ByteBuffer slots;
    private final Recording[] owners;
    /** Frames put so far; written by the producer, read by the writer. */
    @SuppressWarnings("unused") // through PUBLISHED
    private long published;
    /** Frames the writer has taken out; written by the writer, read by the producer. */
    @SuppressWarnings("unused") // through TAKEN
    private long taken;

    /** A log of {@code frames} slots (a power of two), for the thread that {@link #claim}s it. */
    FrameLog(int frames) {
        this.mask = checkFrames(frames) - 1;
        this.slots = ByteBuffer.allocateDirect(frames * SLOT_BYTES + CACHE_LINE).alignedSlice(CACHE_LINE)
                .slice(0, frames * SLOT_BYTES).order(ByteOrder.nativeOrder());
        this.owners = new Recording[frames];
    }

    /** {@code frames} itself; it must be a power of two to be a log's size. */
    static int checkFrames(int frames) {
        if (frames <= 0 || Integer.bitCount(frames) != 1) {
            throw new IllegalArgumentException("a log's frames must be a power of two: " + frames);
        }
        return frames;
    }

    /** Slots for {@code calls} calls' frames, rounded up to a power of two. */
    static int framesFor(int calls) {
        long frames = (long) Math.max(1, calls) * FRAMES_PER_CALL;
        return (int) Math.min(1 << 24, Long.highestOneBit(frames - 1) << 1);
    }

    /** The calling thread is the log's producer from now on. */
    FrameLog claim() {
        producer = Thread.currentThread();
        return this;
    }

    /** Writer: whether the producer has ended and left nothing to take. */
    boolean finished() {
        return !producer.isAlive() && taken() == published();
    }

    /** Producer: copies one frame in, or returns false when the log is full (the writer is behind). */
    boolean put(Recording owner, byte kind, byte[] from, int offset, int length, long stamp) {
        long frame = (long) PUBLISHED.get(this);
        if (frame - (long) TAKEN.getAcquire(this) > mask) {
            return false;
        }
        int at = offset(frame);
        if (from != null) {
            slots.put(at + AUDIO, from, offset, length);
        }
        slots.putLong(at + STAMP, stamp);
        slots.put(at + KIND, kind);
        slots.put(at + LENGTH, (byte) length); // at most 160: read back unsigned
        owners[(int) frame & mask] = owner;
        PUBLISHED.setRelease(this, frame + 1);
        return true;
    }

    /** Writer: frames put so far, with everything they hold visible. */
    long published() {
        return (long) PUBLISHED.getAcquire(this);
    }

    /** Writer: the first frame not yet taken. */
    long taken() {
        return (long) TAKEN.get(this);
    }

    /** Writer: frames before {@code frame} are taken, their slots free for the producer. */
    void takenUpTo(long frame) {
        for (long f = taken(); f < frame; f++) {
            owners[(int) f & mask] = null; // a finished recording is not kept reachable by its old frames
        }
        TAKEN.setRelease(this, frame);
    }

    Recording owner(long frame) {
        return owners[(int) frame & mask];
    }

    long stamp(long frame) {
        return slots.getLong(offset(frame) + STAMP);
    }

    byte kind(long frame) {
        return slots.get(offset(frame) + KIND);
    }

    int length(long frame) {
        return slots.get(offset(frame) + LENGTH) & 0xFF;
    }

    /** Where the frame's slot starts in {@link #slots}; its audio is {@link #AUDIO} further. */
    int offset(long frame) {
        return ((int) frame & mask) * SLOT_BYTES;
    }
}
