package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.G711;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's stereo WAV (16-bit PCM or G.711 μ-law): left the phone, right what the phone was sent. The media threads hand
 * frames to a bounded queue ({@link AudioTap}) and never wait: when it is full the frame is dropped
 * and the recording marked incomplete. The {@link RecordingWriter}'s thread does everything else.
 *
 * <p>The sent side is the clock: each 20 ms the phone was sent becomes one stereo frame, paired
 * with the oldest phone frame not yet written (silence when none came in time). Phone frames that
 * pile up beyond {@link #PHONE_BACKLOG} (the phone sending faster than we do, or while we send
 * nothing on hold) are dropped oldest first, so the two sides stay within 200 ms of each other.
 */
final class Recording implements AudioTap {
    static final int FRAME_SAMPLES = 160;
    /** About 5 s of both directions. */
    static final int QUEUE_FRAMES = 500;
    static final int PHONE_BACKLOG = 10;
    /** Frames between the header's updates: a second. */
    private static final int HEADER_UPDATE_FRAMES = 50;
    /** Stereo frames gathered into one write: half a second, more than one writer tick brings. */
    private static final int WRITE_FRAMES = 25;
    /** A power of two above the backlog's whole frames and a partial one. */
    private static final int PHONE_RING_SAMPLES = 2048;
    private static final int PHONE_RING_MASK = PHONE_RING_SAMPLES - 1;
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private record Frame(boolean phone, byte[] g711, boolean alaw) {
    }

    final String callId;
    final Path file;
    private final Format format;
    private long framesWritten;
    /** Stereo frames in {@link #out} not yet written. */
    private int framesGathered;
    private final ArrayBlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final AtomicLong droppedFrames = new AtomicLong();
    private final RecordingWriter writer;
    private volatile boolean stopped;
    // The writer thread's state.
    /** The phone's samples not yet written, decoded: whole frames up to the backlog and a partial one. */
    private final short[] phoneRing = new short[PHONE_RING_SAMPLES];
    private int phoneRead;
    private int phoneSamples;
    private FileChannel channel;
    private long dataBytes;
    private boolean failed;
    private boolean finished;
    /** The stereo frames gathered for the next write. */
    private final byte[] out;

    Recording(String callId, Path file, Format format, RecordingWriter writer) {
        this.callId = callId;
        this.file = file;
        this.format = format;
        this.writer = writer;
        this.out = new byte[WRITE_FRAMES * FRAME_SAMPLES * WavHeader.bytesPerFrame(format)];
        writer.add(this);
    }

    @Override
    public void fromPhone(byte[] g711, boolean alaw) {
        offer(new Frame(true, g711, alaw));
    }

    @Override
    public void toPhone(byte[] ulaw) {
        offer(new Frame(false, ulaw, false));
    }

    private void offer(Frame frame) {
        if (stopped) {
            return;
        }
        if (!queue.offer(frame)) {
            droppedFrames.incrementAndGet();
        }
    }

    /** No more audio; the writer closes the file once the queue is empty. */
    void stop() {
        stopped = true;
        writer.wake();
    }

    boolean stopped() {
        return stopped;
    }

    /** Frames dropped because the writer fell behind, or the disk failed. */
    long droppedFrames() {
        return droppedFrames.get();
    }

    boolean failed() {
        return failed;
    }

    long durationMillis() {
        return dataBytes / WavHeader.bytesPerFrame(format) / (WavHeader.SAMPLE_RATE / 1000);
    }

    /** Writer thread: writes what is queued; returns true when the recording is finished and closed. */
    boolean drain() {
        if (finished) {
            return false;
        }
        Frame frame;
        while ((frame = queue.poll()) != null) {
            if (frame.phone()) {
                addPhone(frame.g711(), frame.alaw());
            } else {
                writeStereo(frame.g711());
            }
        }
        if (stopped && queue.isEmpty()) {
            // Only now the frames gathered short of a whole write: flushing them at every tick made
            // ten small writes a second per call instead of two.
            flush();
            close();
            finished = true;
            return true;
        }
        return false;
    }

    /** Decodes a phone frame into the backlog, whole frames beyond {@link #PHONE_BACKLOG} dropped oldest first. */
    private void addPhone(byte[] g711, boolean alaw) {
        if (g711 == null) {
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                putPhoneSample((short) 0);
            }
        } else if (alaw) {
            for (byte code : g711) {
                putPhoneSample(G711.alawToLinear(code));
            }
        } else {
            for (byte code : g711) {
                putPhoneSample(G711.ulawToLinear(code));
            }
        }
        while (phoneSamples / FRAME_SAMPLES > PHONE_BACKLOG) {
            dropOldestPhoneFrame();
        }
    }

    private void putPhoneSample(short sample) {
        if (phoneSamples == phoneRing.length) { // only a payload longer than the backlog gets here
            dropOldestPhoneFrame();
        }
        phoneRing[(phoneRead + phoneSamples) & PHONE_RING_MASK] = sample;
        phoneSamples++;
    }

    private void dropOldestPhoneFrame() {
        phoneRead = (phoneRead + FRAME_SAMPLES) & PHONE_RING_MASK;
        phoneSamples -= FRAME_SAMPLES;
    }

    /** One stereo frame: what was sent (null: silence) on the right, the oldest whole phone frame (or silence) on the left. */
    private void writeStereo(byte[] sentUlaw) {
        if (failed) {
            droppedFrames.incrementAndGet();
            return;
        }
        boolean phone = phoneSamples >= FRAME_SAMPLES;
        int at = framesGathered * FRAME_SAMPLES * WavHeader.bytesPerFrame(format);
        // Each channel in a loop of its own, with no test per sample: this runs for 8,000 samples a
        // second per direction per recorded call.
        if (format == Format.PCM16) {
            if (phone) {
                for (int i = 0, read = phoneRead; i < FRAME_SAMPLES; i++, read = (read + 1) & PHONE_RING_MASK) {
                    SHORT_LE.set(out, at + 4 * i, phoneRing[read]);
                }
            } else {
                for (int i = 0; i < FRAME_SAMPLES; i++) {
                    SHORT_LE.set(out, at + 4 * i, (short) 0);
                }
            }
            if (sentUlaw != null) {
                for (int i = 0; i < FRAME_SAMPLES; i++) {
                    SHORT_LE.set(out, at + 4 * i + 2, G711.ulawToLinear(sentUlaw[i]));
                }
            } else {
                for (int i = 0; i < FRAME_SAMPLES; i++) {
                    SHORT_LE.set(out, at + 4 * i + 2, (short) 0);
                }
            }
        } else {
            if (phone) {
                for (int i = 0, read = phoneRead; i < FRAME_SAMPLES; i++, read = (read + 1) & PHONE_RING_MASK) {
                    out[at + 2 * i] = G711.linearToUlaw(phoneRing[read]);
                }
            } else {
                for (int i = 0; i < FRAME_SAMPLES; i++) {
                    out[at + 2 * i] = G711.ULAW_SILENCE;
                }
            }
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                out[at + 2 * i + 1] = sentUlaw == null ? G711.ULAW_SILENCE : sentUlaw[i];
            }
        }
        if (phone) {
            dropOldestPhoneFrame();
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
        ByteBuffer gathered = ByteBuffer.wrap(out, 0, framesGathered * FRAME_SAMPLES * WavHeader.bytesPerFrame(format));
        try {
            if (channel == null) {
                channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                channel.write(WavHeader.of(format, 0), 0);
                channel.position(WavHeader.length(format));
            }
            while (gathered.hasRemaining()) {
                channel.write(gathered);
            }
            dataBytes += (long) framesGathered * FRAME_SAMPLES * WavHeader.bytesPerFrame(format);
            long before = framesWritten;
            framesWritten += framesGathered;
            if (before / HEADER_UPDATE_FRAMES != framesWritten / HEADER_UPDATE_FRAMES) {
                // about once a second, so that a file cut short by a crash still says how much it holds
                channel.write(WavHeader.of(format, dataBytes), 0);
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
            channel.write(WavHeader.of(format, dataBytes), 0);
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
