package io.voiceagent.recordings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The buffers one recording's writer works in (about 136 KiB, all but the phone's 4 KiB backlog
 * outside the heap). They are borrowed from the {@link RecordingWriter} when a recording starts and
 * given back when it is finished (no media thread touches them: the frames come through the
 * {@link FrameLog}s), so a busy service reuses the same few hundred sets.
 *
 * <p>Why reuse them: allocated anew per call they lived as long as the call, were copied from survivor
 * space to survivor space at every young collection, then promoted and left in the old generation as
 * garbage; at 500 recorded calls that started G1's old-generation cycles, whose pauses held up the
 * pacing clock (README, "Recording's cost"). Why outside the heap: even reused, the sets are new
 * whenever more calls record at once than ever before (the pool holds the peak); when each call
 * still had two rings of frames in its set, 44 of the 48 KiB it added to the heap, 500 calls
 * starting within ten seconds took 22 MB through the young collections into the old generation, which crossed G1's threshold and brought a concurrent cycle and mixed collections
 * (pauses of 27 and 45 ms, the pacing clock stopped with them) into the full load. Outside the heap
 * the collector never copies them. What is outside the heap is one allocation, so one cleaner.
 *
 * <p>None of the buffers is cleared between recordings: the backlog is read only within its count,
 * and the staged bytes are written before they go to the file.
 */
final class RecordingBuffers {
    /** The phone's decoded samples not yet written (a ring of its own, see {@link Recording}). */
    final short[] phoneBacklog = new short[Recording.PHONE_BACKLOG_SAMPLES];
    /** The file's first block, to rewrite its header. */
    final ByteBuffer firstBlock;
    /**
     * The file's bytes not yet written, the stereo frames encoded ({@link WavFile}). Aligned to a
     * block, as writes around the page cache need.
     */
    final ByteBuffer staged;

    RecordingBuffers() {
        ByteBuffer aligned = ByteBuffer.allocateDirect(DirectWrites.BLOCK + WavFile.STAGED_CAPACITY + DirectWrites.BLOCK)
                .alignedSlice(DirectWrites.BLOCK);
        firstBlock = aligned.slice(0, DirectWrites.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        staged = aligned.slice(DirectWrites.BLOCK, WavFile.STAGED_CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    }
}
