package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.G711;
import io.voiceagent.recordings.RecordingBuffers.FrameRing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's stereo WAV (16-bit PCM or G.711 μ-law): left the phone, right what the phone was sent.
 * The media threads copy each frame into one of the recording's two rings ({@link AudioTap}) and never
 * wait for the writer or for each other: when a ring is full the frame is dropped and the recording
 * marked incomplete. The {@link RecordingWriter}'s thread does everything else.
 *
 * <p>Each direction has a ring of its own with one producer at a time (what was sent: the pacing
 * thread; the phone: whichever media thread holds the session's uplink lock), so a hand-over takes no
 * lock: the pacing clock, which may run under a real-time policy, never waits for a receive thread
 * that was preempted in the middle of a copy. Each frame carries the time its media thread gave with
 * it (the tick's deadline, the packet's arrival: no clock read per frame), and the writer merges the
 * two rings in that order, which is what pairs them: the sent side is the
 * clock, each 20 ms the phone was sent becomes one stereo frame, paired with the oldest phone frame not
 * yet written (silence when none came in time). Phone frames that pile up beyond {@link #PHONE_BACKLOG}
 * (the phone sending faster than we do, or while we send nothing on hold) are dropped oldest first, so
 * the two sides stay within 200 ms of each other. A frame handed over while the writer reads the rings
 * may be merged a frame late, as if it had come a little later.
 *
 * <p>The rings and the writer's arrays are {@link RecordingBuffers} borrowed from the writer and given
 * back once the recording is finished and no hand-over is still in progress ({@link #handOversDone}).
 */
final class Recording implements AudioTap {
    static final int FRAME_SAMPLES = 160;
    /** Frames each direction's ring holds: 2.5 s of a call, 25 writer ticks. A power of two. */
    static final int RING_FRAMES = 128;
    private static final byte SENT = 0;
    private static final byte SENT_SILENCE = 1;
    private static final byte PHONE_ULAW = 2;
    private static final byte PHONE_ALAW = 3;
    private static final byte PHONE_SILENCE = 4;
    static final int PHONE_BACKLOG = 10;
    /** A power of two above the backlog's whole frames, a partial one and the next slot's samples. */
    static final int PHONE_BACKLOG_SAMPLES = 2048;
    private static final int PHONE_BACKLOG_MASK = PHONE_BACKLOG_SAMPLES - 1;

    final String callId;
    final Path file;
    private final Format format;
    /** Stereo frames staged for the file or written to it. */
    private long framesWritten;
    /** Borrowed from the writer for the recording's life; see {@link #handOversDone}. */
    final RecordingBuffers buffers;
    private final FrameRing sentRing;
    private final FrameRing phoneRing;
    private final AtomicLong droppedFrames = new AtomicLong();
    private final RecordingWriter writer;
    private volatile boolean stopped;
    // The writer thread's state.
    /** The phone's samples not yet written, decoded: whole frames up to the backlog and a partial one. */
    private final short[] phoneBacklog;
    private int phoneRead;
    private int phoneSamples;
    private final WavFile wav;
    private boolean failed;
    private boolean finished;

    Recording(String callId, Path file, Format format, RecordingWriter writer) {
        this.callId = callId;
        this.file = file;
        this.format = format;
        this.writer = writer;
        this.buffers = writer.borrowBuffers();
        this.sentRing = buffers.sent;
        this.phoneRing = buffers.phone;
        this.phoneBacklog = buffers.phoneBacklog;
        this.wav = new WavFile(file, format, buffers);
        writer.add(this);
    }

    @Override
    public void fromPhone(byte[] g711, boolean alaw, long nanos) {
        if (g711 == null) {
            handOver(phoneRing, PHONE_SILENCE, null, 0, FRAME_SAMPLES, nanos);
            return;
        }
        for (int offset = 0; offset < g711.length; offset += FRAME_SAMPLES) {
            handOver(phoneRing, alaw ? PHONE_ALAW : PHONE_ULAW, g711, offset, Math.min(FRAME_SAMPLES, g711.length - offset), nanos);
        }
    }

    @Override
    public void toPhone(byte[] ulaw, int offset, long nanos) {
        handOver(sentRing, ulaw == null ? SENT_SILENCE : SENT, ulaw, offset, FRAME_SAMPLES, nanos);
    }

    /**
     * Media threads: copies one frame into its direction's ring, or drops it when the ring is full.
     * Counted in the ring's hand-overs ({@link FrameRing#beginHandOver}) before {@link #stopped} is read, so that once
     * the writer has seen the stop and then no hand-over in progress, none can touch the rings again.
     */
    private void handOver(FrameRing ring, byte kind, byte[] audio, int offset, int length, long stamp) {
        ring.beginHandOver();
        try {
            if (stopped) {
                return;
            }
            if (!ring.put(kind, audio, offset, length, stamp)) {
                droppedFrames.incrementAndGet();
            }
        } finally {
            ring.endHandOver();
        }
    }

    /**
     * Writer thread, once {@link #drain} has finished the recording (so it saw the stop): whether its
     * buffers may go to another recording. The counts and {@link #stopped} are volatile, so their
     * accesses fall in one order: a hand-over counted after these reads of zero reads {@link #stopped}
     * after the stop and returns.
     */
    boolean handOversDone() {
        return !sentRing.handingOver() && !phoneRing.handingOver();
    }

    /** No more audio; the writer closes the file once the rings are empty. */
    void stop() {
        stopped = true;
        writer.wake();
    }

    boolean stopped() {
        return stopped;
    }

    /** Frames dropped because the writer fell behind (a ring was full), or the disk failed. */
    long droppedFrames() {
        return droppedFrames.get();
    }

    boolean failed() {
        return failed;
    }

    long durationMillis() {
        return WavHeader.millis(framesWritten * FRAME_SAMPLES);
    }

    /** Writer thread: writes what is in the rings; returns true when the recording is finished and closed. */
    boolean drain() {
        if (finished) {
            return false;
        }
        boolean last = stopped; // read before the counts: every frame handed over before the stop is in them
        // The sent count first: a phone frame stamped before the last sent frame taken has then
        // almost always been published by the time the phone's count is read.
        long sentEnd = sentRing.published();
        long phoneEnd = phoneRing.published();
        long sent = sentRing.taken();
        long phone = phoneRing.taken();
        while (sent < sentEnd || phone < phoneEnd) {
            if (phone < phoneEnd && (sent == sentEnd
                    || phoneRing.stamp(phone) <= sentRing.stamp(sent))) {
                int audio = FrameRing.offset(phone) + FrameRing.AUDIO;
                switch (phoneRing.kind(phone)) {
                    case PHONE_ULAW -> addPhone(phoneRing.slots, audio, phoneRing.length(phone), false);
                    case PHONE_ALAW -> addPhone(phoneRing.slots, audio, phoneRing.length(phone), true);
                    default -> addPhone(null, 0, FRAME_SAMPLES, false);
                }
                phone++;
            } else {
                writeStereo(sentRing.kind(sent) == SENT ? sentRing.slots : null, FrameRing.offset(sent) + FrameRing.AUDIO);
                sent++;
            }
        }
        sentRing.takenUpTo(sentEnd);
        phoneRing.takenUpTo(phoneEnd);
        if (last) {
            finish();
            finished = true;
            return true;
        }
        return false;
    }

    /**
     * Decodes one slot from the phone (at most 20 ms: {@link #fromPhone} cuts longer payloads) into
     * the backlog; whole frames beyond {@link #PHONE_BACKLOG} are dropped oldest first.
     */
    private void addPhone(ByteBuffer g711, int offset, int length, boolean alaw) {
        int write = (phoneRead + phoneSamples) & PHONE_BACKLOG_MASK;
        if (g711 == null) {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_BACKLOG_MASK) {
                phoneBacklog[write] = 0;
            }
        } else if (alaw) {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_BACKLOG_MASK) {
                phoneBacklog[write] = G711.alawToLinear(g711.get(offset + i));
            }
        } else {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_BACKLOG_MASK) {
                phoneBacklog[write] = G711.ulawToLinear(g711.get(offset + i));
            }
        }
        phoneSamples += length;
        while (phoneSamples / FRAME_SAMPLES > PHONE_BACKLOG) {
            dropOldestPhoneFrame();
        }
    }

    private void dropOldestPhoneFrame() {
        phoneRead = (phoneRead + FRAME_SAMPLES) & PHONE_BACKLOG_MASK;
        phoneSamples -= FRAME_SAMPLES;
    }

    /**
     * One stereo frame, encoded into the file's staged bytes: what was sent (null: silence) on the
     * right, the oldest whole phone frame (or silence) on the left.
     */
    private void writeStereo(ByteBuffer sentUlaw, int offset) {
        if (failed) {
            droppedFrames.incrementAndGet();
            return;
        }
        ByteBuffer staged = wav.staged();
        int at = staged.position();
        boolean phone = phoneSamples >= FRAME_SAMPLES;
        // One pass, both channels of each sample frame in one store (the buffer is little-endian, so
        // the low half is the left): this runs 8,000 times a second per call.
        if (format == Format.PCM16) {
            for (int i = 0, read = phoneRead; i < FRAME_SAMPLES; i++, read = (read + 1) & PHONE_BACKLOG_MASK) {
                int left = phone ? phoneBacklog[read] & 0xFFFF : 0;
                int right = sentUlaw != null ? G711.ulawToLinear(sentUlaw.get(offset + i)) : 0;
                staged.putInt(at + 4 * i, left | right << 16);
            }
        } else {
            for (int i = 0, read = phoneRead; i < FRAME_SAMPLES; i++, read = (read + 1) & PHONE_BACKLOG_MASK) {
                int left = (phone ? G711.linearToUlaw(phoneBacklog[read]) : G711.ULAW_SILENCE) & 0xFF;
                int right = (sentUlaw != null ? sentUlaw.get(offset + i) : G711.ULAW_SILENCE) & 0xFF;
                staged.putShort(at + 2 * i, (short) (left | right << 8));
            }
        }
        if (phone) {
            dropOldestPhoneFrame();
        }
        staged.position(at + FRAME_SAMPLES * WavHeader.bytesPerFrame(format));
        framesWritten++;
        try {
            wav.writeIfDue();
        } catch (IOException e) {
            fail(e);
        }
    }

    /**
     * Disk full or gone: the recording stops here (marked incomplete), the call goes on. The frames
     * not in the file are counted as dropped.
     */
    private void fail(IOException e) {
        failed = true;
        long onDisk = wav.dataBytesOnDisk() / WavHeader.bytesPerFrame(format) / FRAME_SAMPLES;
        droppedFrames.addAndGet(framesWritten - onDisk);
        framesWritten = onDisk;
        wav.close();
        RecordingWriter.LOG.log(System.Logger.Level.WARNING, "call=" + callId + " recording stopped: " + e);
    }

    /** Writes the rest and the final sizes, and closes the file. */
    private void finish() {
        if (failed) {
            return;
        }
        try {
            wav.finish();
        } catch (IOException e) {
            fail(e);
        }
    }

}
