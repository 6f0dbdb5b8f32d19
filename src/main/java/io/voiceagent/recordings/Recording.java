package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.G711;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's stereo WAV (16-bit PCM or G.711 μ-law): left the phone, right what the phone was sent.
 * The media threads copy each frame into their own {@link FrameLog} for the recording's writer
 * ({@link AudioTap}) and never wait for the writer or for each other: when the log is full the frame
 * is dropped and the recording marked incomplete. The {@link RecordingWriter}'s thread does
 * everything else.
 *
 * <p>Each frame carries the time its media thread gave with it (the tick's deadline, the packet's
 * arrival: no clock read per frame), and the writer merges its logs in that order, which is what
 * pairs the two directions: the sent side is the clock, each 20 ms the phone was sent becomes one
 * stereo frame, paired with the oldest phone frame not yet written (silence when none came in time).
 * Phone frames that pile up beyond {@link #PHONE_BACKLOG} (the phone sending faster than we do, or
 * while we send nothing on hold) are dropped oldest first, so the two sides stay within 200 ms of
 * each other. A frame published while the writer merges may be merged a frame late, as if it had
 * come a little later.
 *
 * <p>The writer's arrays are {@link RecordingBuffers} borrowed from the writer and given back when
 * the recording is finished: no media thread ever touches them, so they go straight to the next one.
 */
final class Recording implements AudioTap {
    static final int FRAME_SAMPLES = 160;
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
    private final RecordingWriter writer;
    private final AtomicLong droppedFrames = new AtomicLong();
    private volatile boolean stopped;
    // The writer thread's state.
    /** Borrowed from the writer for the recording's life. */
    final RecordingBuffers buffers;
    /** Stereo frames staged for the file or written to it. */
    private long framesWritten;
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
        this.phoneBacklog = buffers.phoneBacklog;
        this.wav = new WavFile(file, format, buffers);
        writer.add(this);
    }

    @Override
    public void fromPhone(byte[] g711, boolean alaw, long nanos) {
        if (g711 == null) {
            handOver(PHONE_SILENCE, null, 0, FRAME_SAMPLES, nanos);
            return;
        }
        for (int offset = 0; offset < g711.length; offset += FRAME_SAMPLES) {
            handOver(alaw ? PHONE_ALAW : PHONE_ULAW, g711, offset, Math.min(FRAME_SAMPLES, g711.length - offset), nanos);
        }
    }

    @Override
    public void toPhone(byte[] ulaw, int offset, long nanos) {
        handOver(ulaw == null ? SENT_SILENCE : SENT, ulaw, offset, FRAME_SAMPLES, nanos);
    }

    /**
     * Media threads: copies one frame into this thread's log for the writer, or drops it when the log
     * is full. The stop is not read here: the writer ignores frames of a finished recording.
     */
    private void handOver(byte kind, byte[] audio, int offset, int length, long stamp) {
        if (!writer.logOfThisThread().put(this, kind, audio, offset, length, stamp)) {
            droppedFrames.incrementAndGet();
        }
    }

    /** No more audio; the writer closes the file at its next tick, once what was handed over is written. */
    void stop() {
        stopped = true;
        writer.wake();
    }

    boolean stopped() {
        return stopped;
    }

    /** Frames dropped because the writer fell behind (a log was full), or the disk failed. */
    long droppedFrames() {
        return droppedFrames.get();
    }

    boolean failed() {
        return failed;
    }

    long durationMillis() {
        return WavHeader.millis(framesWritten * FRAME_SAMPLES);
    }

    /** Writer thread: one frame from a log, in stamp order; nothing once the recording is finished. */
    void take(FrameLog log, long frame) {
        if (finished) {
            return;
        }
        byte kind = log.kind(frame);
        int audio = log.offset(frame) + FrameLog.AUDIO;
        switch (kind) {
            case SENT -> writeStereo(log.slots, audio);
            case SENT_SILENCE -> writeStereo(null, 0);
            case PHONE_ULAW -> addPhone(log.slots, audio, log.length(frame), false);
            case PHONE_ALAW -> addPhone(log.slots, audio, log.length(frame), true);
            default -> addPhone(null, 0, FRAME_SAMPLES, false);
        }
    }

    /** Writer thread: a bug broke this recording; it takes no more frames and is never finished. */
    void abandon() {
        finished = true;
    }

    /** Whether a frame of this kind is one the phone was sent (the clock's side of the pairing). */
    static boolean sent(byte kind) {
        return kind == SENT || kind == SENT_SILENCE;
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

    /** Writer thread: writes the rest and the final sizes, and closes the file. */
    void finish() {
        finished = true;
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
