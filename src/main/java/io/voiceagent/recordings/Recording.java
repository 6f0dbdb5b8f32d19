package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.G711;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
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
    private final ArrayDeque<short[]> phoneBacklog = new ArrayDeque<>();
    private short[] phonePartial = new short[FRAME_SAMPLES];
    private int phonePartialFill;
    private FileChannel channel;
    private long dataBytes;
    private boolean failed;
    private boolean finished;
    private final ByteBuffer out;

    Recording(String callId, Path file, Format format, RecordingWriter writer) {
        this.callId = callId;
        this.file = file;
        this.format = format;
        this.writer = writer;
        this.out = ByteBuffer.allocate(WRITE_FRAMES * FRAME_SAMPLES * WavHeader.bytesPerFrame(format))
                .order(ByteOrder.LITTLE_ENDIAN);
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
                addPhone(frame);
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

    private void addPhone(Frame frame) {
        byte[] g711 = frame.g711();
        boolean alaw = frame.alaw();
        int length = g711 == null ? FRAME_SAMPLES : g711.length;
        for (int i = 0; i < length; i++) {
            phonePartial[phonePartialFill++] = g711 == null ? 0
                    : alaw ? G711.alawToLinear(g711[i]) : G711.ulawToLinear(g711[i]);
            if (phonePartialFill == FRAME_SAMPLES) {
                phoneBacklog.addLast(phonePartial);
                phonePartial = new short[FRAME_SAMPLES];
                phonePartialFill = 0;
                while (phoneBacklog.size() > PHONE_BACKLOG) {
                    phoneBacklog.removeFirst();
                }
            }
        }
    }

    private void writeStereo(byte[] sentUlaw) {
        if (failed) {
            droppedFrames.incrementAndGet();
            return;
        }
        short[] phone = phoneBacklog.pollFirst();
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            short left = phone == null ? 0 : phone[i];
            if (format == Format.PCM16) {
                out.putShort(left);
                out.putShort(sentUlaw == null ? 0 : G711.ulawToLinear(sentUlaw[i]));
            } else {
                out.put(G711.linearToUlaw(left));
                out.put(sentUlaw == null ? G711.ULAW_SILENCE : sentUlaw[i]);
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
        out.flip();
        try {
            if (channel == null) {
                channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                channel.write(WavHeader.of(format, 0), 0);
                channel.position(WavHeader.length(format));
            }
            while (out.hasRemaining()) {
                channel.write(out);
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
            out.clear();
            framesGathered = 0;
        }
    }

    /** Writes the final sizes into the header and closes the file. */
    private void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.write(WavHeader.of(format, dataBytes), 0);
            channel.force(false);
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
