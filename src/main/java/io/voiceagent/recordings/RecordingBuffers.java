package io.voiceagent.recordings;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The buffers one recording works in (about 192 KiB, all but the phone's 4 KiB backlog outside the
 * heap): its two rings and the writer's own. They are borrowed from the {@link RecordingWriter} when a
 * recording starts and given back when it is finished and no media thread is still inside a hand-over,
 * so a busy service reuses the same few hundred sets.
 *
 * <p>Why reuse them: allocated anew per call they lived as long as the call, were copied from survivor
 * space to survivor space at every young collection, then promoted and left in the old generation as
 * garbage; at 500 recorded calls that started G1's old-generation cycles, whose pauses held up the
 * pacing clock (README, "Recording's cost"). Why the rings are outside the heap: even reused, the sets
 * are new whenever more calls record at once than ever before (the pool holds the peak), and the
 * rings were most of what a recorded call added to the heap (44 of 48 KiB): 500 calls starting
 * within ten seconds took 22 MB through the young collections into the old generation,
 * which crossed G1's threshold and brought a concurrent cycle and mixed collections (pauses of 27 and
 * 45 ms, the pacing clock stopped with them) into the full load. Outside the heap the collector never
 * copies them. What is outside the heap is one allocation, so one cleaner.
 *
 * <p>None of the buffers is cleared between recordings: a ring's slots are written before they are
 * published, the backlog is read only within its count, and the staged bytes are written before
 * they go to the file.
 */
final class RecordingBuffers {
    /** What was sent: one producer, the pacing thread. */
    final FrameRing sent;
    /** The phone: one producer at a time, the media thread holding the session's uplink lock. */
    final FrameRing phone;
    /** The writer's: the phone's decoded samples not yet written (a ring of its own, see {@link Recording}). */
    final short[] phoneBacklog = new short[Recording.PHONE_BACKLOG_SAMPLES];
    /** The writer's: the file's first block, to rewrite its header. */
    final ByteBuffer firstBlock;
    /**
     * The writer's: the file's bytes not yet written, the stereo frames encoded ({@link WavFile}).
     * Aligned to a block, as writes around the page cache need.
     */
    final ByteBuffer staged;

    RecordingBuffers() {
        ByteBuffer aligned = ByteBuffer.allocateDirect(
                        DirectWrites.BLOCK + WavFile.STAGED_CAPACITY + 2 * FrameRing.BYTES + DirectWrites.BLOCK)
                .alignedSlice(DirectWrites.BLOCK);
        firstBlock = aligned.slice(0, DirectWrites.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        staged = aligned.slice(DirectWrites.BLOCK, WavFile.STAGED_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        int rings = DirectWrites.BLOCK + WavFile.STAGED_CAPACITY; // whole blocks: the slots start on cache lines
        sent = new FrameRing(aligned.slice(rings, FrameRing.BYTES));
        phone = new FrameRing(aligned.slice(rings + FrameRing.BYTES, FrameRing.BYTES));
    }

    /**
     * Empties both rings for the next recording. Writer thread, once no producer can touch them: a
     * frame put while the last recording was finishing is forgotten here.
     */
    void reset() {
        sent.reset();
        phone.reset();
    }

    /**
     * One direction's frames: put by one thread at a time, taken by the writer by counts. A payload
     * longer than 20 ms takes several slots.
     *
     * <p>Laid out for the producer's sake: a hand-over touches the ring's counters (fields of this
     * object, one cache line) and one slot of {@link #slots} (its stamp, kind and length before its
     * audio, three whole cache lines, shared with no other slot), not four arrays and three counter
     * objects; on a busy machine each line is a miss (measured at about 1 µs a hand-over with the old
     * layout, paced as the clock does).
     */
    static final class FrameRing {
        private static final int MASK = Recording.RING_FRAMES - 1;
        private static final int CACHE_LINE = 64;
        private static final int STAMP = 0;
        private static final int KIND = 8;
        private static final int LENGTH = 9;
        /** Where a slot's audio starts: after its stamp, kind and length. */
        static final int AUDIO = 16;
        /** A slot: its header and 20 ms of G.711, rounded up to whole cache lines. */
        static final int SLOT_BYTES = (AUDIO + Recording.FRAME_SAMPLES + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
        /** The ring's bytes. */
        static final int BYTES = Recording.RING_FRAMES * SLOT_BYTES;
        private static final VarHandle PUBLISHED;
        private static final VarHandle TAKEN;
        private static final VarHandle HANDING_OVER;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                PUBLISHED = lookup.findVarHandle(FrameRing.class, "published", long.class);
                TAKEN = lookup.findVarHandle(FrameRing.class, "taken", long.class);
                HANDING_OVER = lookup.findVarHandle(FrameRing.class, "handingOver", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** The slots, {@link #SLOT_BYTES} each, in the machine's byte order. */
        final ByteBuffer slots;
        /** Frames put so far; written by the producer, read by the writer. */
        @SuppressWarnings("unused") // through PUBLISHED
        private long published;
        /** Frames the writer has taken out; written by the writer, read by the producer. */
        @SuppressWarnings("unused") // through TAKEN
        private long taken;
        /**
         * Hand-overs in progress ({@link Recording}'s), one count per ring so that the pacing and the
         * receive thread never write the same cache line per frame. A hand-over to a finished
         * recording whose ring already serves another one only raises this for an instant (it sees
         * the stop and returns), which at worst holds up the next recycling by a tick.
         */
        @SuppressWarnings("unused") // through HANDING_OVER
        private int handingOver;

        /** A ring in {@code slots}, {@link #BYTES} long. */
        FrameRing(ByteBuffer slots) {
            this.slots = slots.order(ByteOrder.nativeOrder());
        }

        /** Producer: copies one frame in, or returns false when the ring is full. */
        boolean put(byte frameKind, byte[] from, int offset, int frameLength, long frameStamp) {
            long frame = (long) PUBLISHED.get(this);
            if (frame - (long) TAKEN.getAcquire(this) == Recording.RING_FRAMES) {
                return false;
            }
            int at = offset(frame);
            if (from != null) {
                slots.put(at + AUDIO, from, offset, frameLength);
            }
            slots.putLong(at + STAMP, frameStamp);
            slots.put(at + KIND, frameKind);
            slots.put(at + LENGTH, (byte) frameLength); // at most 160: read back unsigned
            PUBLISHED.setRelease(this, frame + 1);
            return true;
        }

        /** Producer: a hand-over begins; volatile, before the recording's stop is read. */
        void beginHandOver() {
            HANDING_OVER.getAndAdd(this, 1);
        }

        void endHandOver() {
            HANDING_OVER.getAndAdd(this, -1);
        }

        /** Writer: whether a producer is inside a hand-over (volatile read). */
        boolean handingOver() {
            return (int) HANDING_OVER.getVolatile(this) != 0;
        }

        /** Writer: frames put so far, with everything they hold visible. */
        long published() {
            return (long) PUBLISHED.getAcquire(this);
        }

        long taken() {
            return (long) TAKEN.get(this);
        }

        /** Writer: frames up to {@code frame} are taken, their slots free for the producer. */
        void takenUpTo(long frame) {
            TAKEN.setRelease(this, frame);
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
        static int offset(long frame) {
            return (int) (frame & MASK) * SLOT_BYTES;
        }

        private void reset() {
            PUBLISHED.setVolatile(this, 0L);
            TAKEN.setVolatile(this, 0L);
        }
    }
}
