package io.voiceagent.recordings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The arrays one recording works in (about 72 KiB): its two rings and the writer's own. They are
 * borrowed from the {@link RecordingWriter} when a recording starts and given back when it is finished
 * and no media thread is still inside a hand-over, so a busy service reuses the same few hundred sets.
 * Why reuse them: allocated anew per call they lived as long as the call, were copied from survivor
 * space to survivor space at every young collection, then promoted and left in the old generation as
 * garbage; at 500 recorded calls that started G1's old-generation cycles, whose pauses held up the
 * pacing clock (README, "Recording's cost"). Reused, they are promoted once and stay.
 *
 * <p>None of the arrays is cleared between recordings: a ring's slots are written before they are
 * published, the backlog is read only within its count, and the staged bytes are written before
 * they go to the file.
 */
final class RecordingBuffers {
    /** What was sent: one producer, the pacing thread. */
    final FrameRing sent = new FrameRing();
    /** The phone: one producer at a time, the media thread holding the session's uplink lock. */
    final FrameRing phone = new FrameRing();
    /** The writer's: the phone's decoded samples not yet written (a ring of its own, see {@link Recording}). */
    final short[] phoneBacklog = new short[Recording.PHONE_BACKLOG_SAMPLES];
    /** The writer's and one allocation with {@link #staged}: the file's first block, to rewrite its header. */
    final ByteBuffer firstBlock;
    /**
     * The writer's: the file's bytes not yet written, the stereo frames encoded ({@link WavFile}).
     * Outside the heap and aligned to a block, as writes around the page cache need.
     */
    final ByteBuffer staged;

    RecordingBuffers() {
        ByteBuffer aligned = ByteBuffer.allocateDirect(WavFile.BLOCK + WavFile.STAGED_CAPACITY + WavFile.BLOCK)
                .alignedSlice(WavFile.BLOCK);
        firstBlock = aligned.slice(0, WavFile.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        staged = aligned.slice(WavFile.BLOCK, WavFile.STAGED_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Empties both rings for the next recording. Writer thread, once no producer can touch them: a
     * frame put while the last recording was finishing is forgotten here.
     */
    void reset() {
        sent.published.set(0);
        sent.taken.set(0);
        phone.published.set(0);
        phone.taken.set(0);
    }

    /**
     * One direction's frames: put by one thread at a time, taken by the writer by counts. A payload
     * longer than 20 ms takes several slots.
     */
    static final class FrameRing {
        private static final int MASK = Recording.RING_FRAMES - 1;
        final byte[] audio = new byte[Recording.RING_FRAMES * Recording.FRAME_SAMPLES];
        final byte[] kind = new byte[Recording.RING_FRAMES];
        final short[] length = new short[Recording.RING_FRAMES];
        final long[] stamp = new long[Recording.RING_FRAMES];
        /** Frames put so far; written by the producer, read by the writer. */
        final AtomicLong published = new AtomicLong();
        /** Frames the writer has taken out; written by the writer, read by the producer. */
        final AtomicLong taken = new AtomicLong();
        /**
         * Hand-overs in progress ({@link Recording}'s), one count per ring so that the pacing and the
         * receive thread never write the same cache line per frame. A hand-over to a finished
         * recording whose ring already serves another one only raises this for an instant (it sees
         * the stop and returns), which at worst holds up the next recycling by a tick.
         */
        final AtomicInteger handingOver = new AtomicInteger();

        /** Producer: copies one frame in, or returns false when the ring is full. */
        boolean put(byte frameKind, byte[] from, int offset, int frameLength, long frameStamp) {
            long frame = published.get();
            if (frame - taken.getAcquire() == Recording.RING_FRAMES) {
                return false;
            }
            int slot = slot(frame);
            if (from != null) {
                System.arraycopy(from, offset, audio, slot * Recording.FRAME_SAMPLES, frameLength);
            }
            kind[slot] = frameKind;
            length[slot] = (short) frameLength;
            stamp[slot] = frameStamp;
            published.setRelease(frame + 1);
            return true;
        }

        static int slot(long frame) {
            return (int) (frame & MASK);
        }
    }
}
