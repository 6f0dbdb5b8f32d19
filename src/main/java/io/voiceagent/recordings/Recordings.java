package io.voiceagent.recordings;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.config.Config;
import io.voiceagent.media.MediaSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Call recordings in {@code DATA_DIR/recordings}: {@code <call id>.wav} (mode 0600) and, once it is
 * finished, {@code <call id>.json} saying whether it is complete. A call is recorded from its answer
 * to its end when its request says {@code "record": true}, or says nothing and RECORDING is on.
 *
 * <p>{@link #onSaved} runs on the thread that saved the record (under the call's lock): it only
 * attaches or detaches a {@link Recording}; files are opened and written by the {@link RecordingWriter}s.
 */
public final class Recordings implements RecordingLibrary, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Recordings.class.getName());
    /** Recording writer threads. */
    static final int WRITERS = 4;
    private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private final Config.Recording settings;
    private final Path directory;
    private final Clock clock;
    /**
     * Writers with a thread each; a recording goes to one of them in turn. Several, because a direct
     * write waits for the disk (and then for a CPU, the writers being below the media threads): at
     * 500 calls one writer waiting for 1,000 writes of 16 KiB a second fell seconds behind on a busy
     * 2-core VM.
     */
    private final List<RecordingWriter> writers = new ArrayList<>();
    private final AtomicInteger nextWriter = new AtomicInteger();
    /** The media session of a live call, looked up at its answer and its end (never stored here). */
    private final Function<String, Optional<MediaSession>> liveMedia;
    private final Map<String, Recording> live = new ConcurrentHashMap<>();

    private Recordings(Config.Recording settings, Path directory, Clock clock, int maxConcurrentCalls,
                       Function<String, Optional<MediaSession>> liveMedia) {
        this.settings = settings;
        this.directory = directory;
        this.clock = clock;
        this.liveMedia = liveMedia;
        // Each writer serves about an even share of the calls; its logs hold 2.5 s of that share.
        int logFrames = FrameLog.framesFor((maxConcurrentCalls + WRITERS - 1) / WRITERS);
        for (int i = 0; i < WRITERS; i++) {
            writers.add(new RecordingWriter(this::finished, logFrames).start());
        }
    }

    /**
     * Creates {@code dataDir/recordings} (mode 0700) and deletes recordings past their retention.
     * {@code maxConcurrentCalls} sizes the media threads' logs; {@code liveMedia} gives a live call's
     * media session by call id, for attaching a recording to it.
     */
    public static Recordings open(Config.Recording settings, Path dataDir, Clock clock, int maxConcurrentCalls,
                                  Function<String, Optional<MediaSession>> liveMedia) throws IOException {
        Path directory = dataDir.resolve("recordings");
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Recordings recordings = new Recordings(Objects.requireNonNull(settings, "settings"), directory,
                Objects.requireNonNull(clock, "clock"), maxConcurrentCalls, Objects.requireNonNull(liveMedia, "liveMedia"));
        recordings.deleteExpired();
        recordings.mendUnfinished();
        return recordings;
    }

    /**
     * The recordings of calls that were live when the service last stopped without finishing them
     * (a crash, a kill): each WAV without its status gets its header's sizes from its length
     * ({@link WavFile#mendUnfinished}) and a status saying it is incomplete and was interrupted.
     * Runs before any recording starts.
     */
    private void mendUnfinished() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.wav")) {
            for (Path file : files) {
                String callId = file.getFileName().toString().replaceFirst("\\.wav$", "");
                if (Files.exists(directory.resolve(callId + ".json"))) {
                    continue;
                }
                try {
                    OptionalLong millis = WavFile.mendUnfinished(file);
                    if (millis.isEmpty()) {
                        LOG.log(System.Logger.Level.WARNING, file + " is not a recording's WAV; left as it is");
                        continue;
                    }
                    Map<String, Object> status = new LinkedHashMap<>();
                    status.put("complete", false);
                    status.put("interrupted", true);
                    status.put("duration_s", millis.getAsLong() / 1000.0);
                    writeStatus(callId, status);
                    LOG.log(System.Logger.Level.INFO, "call=" + callId + " recording interrupted by the last stop mended: "
                            + millis.getAsLong() / 1000.0 + " s");
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "call=" + callId + " interrupted recording not mended: " + e);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "looking for interrupted recordings failed: " + e);
        }
    }

    /** Whether a call with this request is recorded. */
    public boolean records(StartCallRequest request) {
        return request.record().orElse(settings.on());
    }

    @Override
    public StartCallRequest withNotice(StartCallRequest request) {
        if (settings.notice().isEmpty() || !records(request)) {
            return request;
        }
        String notice = settings.notice().get();
        return request.withFirstMessage(request.firstMessage().map(first -> notice + " " + first).orElse(notice));
    }

    /** The save listener: starts the recording at the answer, stops it at the end. */
    public void onSaved(CallRecord record) {
        String id = record.id();
        if (record.status().isFinal()) {
            Recording recording = live.get(id);
            if (recording != null && !recording.stopped()) {
                liveMedia.apply(id).ifPresent(session -> session.setAudioTap(null));
                recording.stop();
            }
            return;
        }
        if (record.answeredAt().isPresent() && !live.containsKey(id) && records(record.request())
                && CALL_ID.matcher(id).matches()) {
            Optional<MediaSession> session = liveMedia.apply(id);
            if (session.isPresent()) {
                RecordingWriter writer = writers.get(Math.floorMod(nextWriter.getAndIncrement(), WRITERS));
                Recording recording = new Recording(id, directory.resolve(id + ".wav"), settings.format(), writer);
                live.put(id, recording);
                session.get().setAudioTap(recording);
            }
        }
    }

    private void finished(Recording recording) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("complete", recording.droppedFrames() == 0 && !recording.failed());
        status.put("dropped_ms", recording.droppedFrames() * 20);
        status.put("duration_s", recording.durationMillis() / 1000.0);
        try {
            writeStatus(recording.callId, status);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "call=" + recording.callId + " recording status not written: " + e);
        }
        live.remove(recording.callId);
    }

    /**
     * {@code <call id>.json}, mode 0600: what {@link #describe} reports of a finished recording. One
     * block, the JSON and then spaces (JSON allows whitespace after its value), written like the WAV
     * ({@link DirectWrites}): a finished call leaves no page for the kernel to flush.
     */
    private void writeStatus(String callId, Map<String, Object> status) throws IOException {
        byte[] json = JSON.std.asBytes(status);
        ByteBuffer block = ByteBuffer.allocate(DirectWrites.BLOCK).put(json);
        while (block.position() < DirectWrites.BLOCK - 1) {
            block.put((byte) ' ');
        }
        block.put((byte) '\n');
        try (FileChannel file = DirectWrites.create(directory.resolve(callId + ".json"), true)) {
            DirectWrites.write(file, block, DirectWrites.BLOCK, 0);
        }
    }

    @Override
    public Optional<Path> file(String callId) {
        if (!CALL_ID.matcher(callId).matches()) {
            return Optional.empty();
        }
        Path file = directory.resolve(callId + ".wav");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> describe(String callId) {
        Recording recording = live.get(callId);
        Map<String, Object> out = new LinkedHashMap<>();
        if (recording != null) {
            out.put("state", "recording");
            out.put("dropped_ms", recording.droppedFrames() * 20);
            return Optional.of(out);
        }
        if (!CALL_ID.matcher(callId).matches() || file(callId).isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, Object> status = JSON.std.mapFrom(Files.readString(directory.resolve(callId + ".json")));
            out.put("state", Boolean.TRUE.equals(status.get("complete")) ? "complete" : "incomplete");
            if (Boolean.TRUE.equals(status.get("interrupted"))) {
                out.put("interrupted", true); // the service stopped during the call: how much is missing is unknown
            } else {
                out.put("dropped_ms", status.get("dropped_ms"));
            }
            out.put("duration_s", status.get("duration_s"));
        } catch (IOException e) {
            out.put("state", "incomplete"); // the service stopped before the recording was finished
        }
        out.put("url", "/api/calls/" + callId + "/recording");
        return Optional.of(out);
    }

    /** Deletes recordings older than RECORDING_RETENTION_DAYS; returns how many. Run at start and daily. */
    public int deleteExpired() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(settings.retentionDays()));
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.{wav,json}")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                    deleted += file.toString().endsWith(".wav") ? 1 : 0;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "deleting old recordings failed: " + e);
        }
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, deleted + " recording(s) older than " + settings.retentionDays()
                    + " days deleted");
        }
        return deleted;
    }

    /** Lets every writer finish what was handed over, all at once, for up to 5 s in all. */
    @Override
    public void close() {
        writers.forEach(RecordingWriter::beginClose);
        long deadline = System.nanoTime() + RecordingWriter.CLOSE_TIMEOUT.toNanos();
        writers.forEach(writer -> writer.awaitClosed(deadline));
    }
}
