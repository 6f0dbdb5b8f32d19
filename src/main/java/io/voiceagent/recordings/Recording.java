package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.G711;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's stereo WAV (16-bit PCM or G.711 μ-law): left the phone, right what the phone was sent.
 * The media threads copy each frame into the recording's ring ({@link AudioTap}) and never wait for
 * the writer: when the ring is full the frame is dropped and the recording marked incomplete. The
 * {@link RecordingWriter}'s thread does everything else.
 *
 * <p>The ring keeps the frames of both directions in the order they were handed over, which is
 * what pairs them: the sent side is the clock, each 20 ms the phone was sent becomes one stereo frame,
 * paired with the oldest phone frame not yet written (silence when none came in time). Phone frames
 * that pile up beyond {@link #PHONE_BACKLOG} (the phone sending faster than we do, or while we send
 * nothing on hold) are dropped oldest first, so the two sides stay within 200 ms of each other.
 *
 * <p>The ring has one writer at a time: the pacing and receive threads take {@link #handOverLock}
 * for the copy of one frame (the only time either waits is for the other's copy); the writer thread
 * never takes it, it reads up to the published count and gives the slots back by its own count.
 */
final class Recording implements AudioTap {
    static final int FRAME_SAMPLES = 160;
    /** Frames the ring holds, of both directions: 2.5 s of a call, 25 writer ticks. A power of two. */
    static final int RING_FRAMES = 256;
    private static final int RING_MASK = RING_FRAMES - 1;
    private static final byte SENT = 0;
    private static final byte SENT_SILENCE = 1;
    private static final byte PHONE_ULAW = 2;
    private static final byte PHONE_ALAW = 3;
    private static final byte PHONE_SILENCE = 4;
    static final int PHONE_BACKLOG = 10;
    /** Frames between the header's updates: a second. */
    private static final int HEADER_UPDATE_FRAMES = 50;
    /** Stereo frames gathered into one write: half a second, more than one writer tick brings. */
    private static final int WRITE_FRAMES = 25;
    /** Samples of both channels in one write. */
    static final int MAX_WRITE_SAMPLES = WRITE_FRAMES * FRAME_SAMPLES * WavHeader.CHANNELS;
    /** A power of two above the backlog's whole frames, a partial one and the next slot's samples. */
    private static final int PHONE_RING_SAMPLES = 2048;
    private static final int PHONE_RING_MASK = PHONE_RING_SAMPLES - 1;

    final String callId;
    final Path file;
    private final Format format;
    /** Stereo frames written to the file. */
    private long framesWritten;
    /** Stereo frames in {@link #gathered} not yet written. */
    private int framesGathered;
    // The ring: slot i of frame n is n & RING_MASK; a phone payload longer than 20 ms takes several.
    private final byte[] ringAudio = new byte[RING_FRAMES * FRAME_SAMPLES];
    private final byte[] ringKind = new byte[RING_FRAMES];
    private final short[] ringLength = new short[RING_FRAMES];
    /** Frames put in the ring so far; written under {@link #handOverLock}, read by the writer. */
    private final AtomicLong published = new AtomicLong();
    /** Frames the writer has taken out of the ring; written by the writer only. */
    private final AtomicLong taken = new AtomicLong();
    private final Object handOverLock = new Object();
    private final AtomicLong droppedFrames = new AtomicLong();
    private final RecordingWriter writer;
    private volatile boolean stopped;
    // The writer thread's state.
    /** The phone's samples not yet written, decoded: whole frames up to the backlog and a partial one. */
    private final short[] phoneRing = new short[PHONE_RING_SAMPLES];
    private int phoneRead;
    private int phoneSamples;
    private FileChannel channel;
    private boolean failed;
    private boolean finished;
    /** The stereo frames gathered for the next write, as linear samples, left then right. */
    private final short[] gathered = new short[MAX_WRITE_SAMPLES];

    Recording(String callId, Path file, Format format, RecordingWriter writer) {
        this.callId = callId;
        this.file = file;
        this.format = format;
        this.writer = writer;
        writer.add(this);
    }

    @Override
    public void fromPhone(byte[] g711, boolean alaw) {
        if (g711 == null) {
            handOver(PHONE_SILENCE, null, 0, FRAME_SAMPLES);
            return;
        }
        for (int offset = 0; offset < g711.length; offset += FRAME_SAMPLES) {
            handOver(alaw ? PHONE_ALAW : PHONE_ULAW, g711, offset, Math.min(FRAME_SAMPLES, g711.length - offset));
        }
    }

    @Override
    public void toPhone(byte[] ulaw, int offset) {
        handOver(ulaw == null ? SENT_SILENCE : SENT, ulaw, offset, FRAME_SAMPLES);
    }

    /** Media threads: copies one frame into the ring, or drops it when the ring is full. */
    private void handOver(byte kind, byte[] audio, int offset, int length) {
        if (stopped) {
            return;
        }
        synchronized (handOverLock) {
            long frame = published.get();
            if (frame - taken.getAcquire() == RING_FRAMES) {
                droppedFrames.incrementAndGet();
                return;
            }
            int slot = (int) (frame & RING_MASK);
            if (audio != null) {
                System.arraycopy(audio, offset, ringAudio, slot * FRAME_SAMPLES, length);
            }
            ringKind[slot] = kind;
            ringLength[slot] = (short) length;
            published.setRelease(frame + 1);
        }
    }

    /** No more audio; the writer closes the file once the ring is empty. */
    void stop() {
        stopped = true;
        writer.wake();
    }

    boolean stopped() {
        return stopped;
    }

    /** Frames dropped because the writer fell behind (the ring was full), or the disk failed. */
    long droppedFrames() {
        return droppedFrames.get();
    }

    boolean failed() {
        return failed;
    }

    long durationMillis() {
        return framesWritten * FRAME_SAMPLES / (WavHeader.SAMPLE_RATE / 1000);
    }

    private long dataBytes() {
        return framesWritten * FRAME_SAMPLES * WavHeader.bytesPerFrame(format);
    }

    /** Writer thread: writes what is in the ring; returns true when the recording is finished and closed. */
    boolean drain() {
        if (finished) {
            return false;
        }
        boolean last = stopped; // read before the count: every frame handed over before the stop is in it
        long end = published.getAcquire();
        for (long frame = taken.get(); frame < end; frame++) {
            int slot = (int) (frame & RING_MASK);
            int at = slot * FRAME_SAMPLES;
            switch (ringKind[slot]) {
                case SENT -> writeStereo(ringAudio, at);
                case SENT_SILENCE -> writeStereo(null, 0);
                case PHONE_ULAW -> addPhone(ringAudio, at, ringLength[slot], false);
                case PHONE_ALAW -> addPhone(ringAudio, at, ringLength[slot], true);
                default -> addPhone(null, 0, FRAME_SAMPLES, false);
            }
        }
        taken.setRelease(end);
        if (last) {
            // Only now the frames gathered short of a whole write: flushing them at every tick made
            // ten small writes a second per call instead of two.
            flush();
            close();
            finished = true;
            return true;
        }
        return false;
    }

    /**
     * Decodes one slot from the phone (at most 20 ms: {@link #fromPhone} cuts longer payloads) into
     * the backlog; whole frames beyond {@link #PHONE_BACKLOG} are dropped oldest first.
     */
    private void addPhone(byte[] g711, int offset, int length, boolean alaw) {
        int write = (phoneRead + phoneSamples) & PHONE_RING_MASK;
        if (g711 == null) {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_RING_MASK) {
                phoneRing[write] = 0;
            }
        } else if (alaw) {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_RING_MASK) {
                phoneRing[write] = G711.alawToLinear(g711[offset + i]);
            }
        } else {
            for (int i = 0; i < length; i++, write = (write + 1) & PHONE_RING_MASK) {
                phoneRing[write] = G711.ulawToLinear(g711[offset + i]);
            }
        }
        phoneSamples += length;
        while (phoneSamples / FRAME_SAMPLES > PHONE_BACKLOG) {
            dropOldestPhoneFrame();
        }
    }

    private void dropOldestPhoneFrame() {
        phoneRead = (phoneRead + FRAME_SAMPLES) & PHONE_RING_MASK;
        phoneSamples -= FRAME_SAMPLES;
    }

    /** One stereo frame: what was sent (null: silence) on the right, the oldest whole phone frame (or silence) on the left. */
    private void writeStereo(byte[] sentUlaw, int offset) {
        if (failed) {
            droppedFrames.incrementAndGet();
            return;
        }
        int at = framesGathered * FRAME_SAMPLES * WavHeader.CHANNELS;
        // A loop per channel with no test per sample: this runs 8,000 times a second per direction per call.
        if (phoneSamples >= FRAME_SAMPLES) {
            for (int i = 0, read = phoneRead; i < FRAME_SAMPLES; i++, read = (read + 1) & PHONE_RING_MASK) {
                gathered[at + 2 * i] = phoneRing[read];
            }
            dropOldestPhoneFrame();
        } else {
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                gathered[at + 2 * i] = 0;
            }
        }
        if (sentUlaw != null) {
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                gathered[at + 2 * i + 1] = G711.ulawToLinear(sentUlaw[offset + i]);
            }
        } else {
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                gathered[at + 2 * i + 1] = 0;
            }
        }
        if (++framesGathered == WRITE_FRAMES) {
            flush();
        }
    }

    /** Writes the gathered frames in one write; on failure they are counted as dropped. */
    private void flush() {
        if (framesGathered == 0) {
            return;
        }
        ByteBuffer bytes = writer.encode(gathered, framesGathered * FRAME_SAMPLES * WavHeader.CHANNELS, format);
        try {
            if (channel == null) {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                channel.write(WavHeader.of(format, 0), 0);
                channel.position(WavHeader.length(format));
            }
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            long before = framesWritten;
            framesWritten += framesGathered;
            if (before / HEADER_UPDATE_FRAMES != framesWritten / HEADER_UPDATE_FRAMES) {
                // about once a second, so that a file cut short by a crash still says how much it holds
                channel.write(WavHeader.of(format, dataBytes()), 0);
            }
        } catch (IOException e) {
            // disk full or gone: the recording stops here (marked incomplete), the call goes on
            failed = true;
            droppedFrames.addAndGet(framesGathered);
            RecordingWriter.LOG.log(System.Logger.Level.WARNING, "call=" + callId + " recording stopped: " + e);
        } finally {
            framesGathered = 0;
        }
    }

    /**
     * Writes the final sizes into the header and closes the file. Not forced to the disk: the file
     * is whole in the page cache and outlives a crash of the service; waiting here for the disk (tens
     * of ms per file) held up every other call's recording when many calls ended together.
     */
    private void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.write(WavHeader.of(format, dataBytes()), 0);
        } catch (IOException e) {
            failed = true;
            RecordingWriter.LOG.log(System.Logger.Level.WARNING, "call=" + callId + " recording not finalised: " + e);
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to lose
            }
            channel = null;
        }
    }

}
