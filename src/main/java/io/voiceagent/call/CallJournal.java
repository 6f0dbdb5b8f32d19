package io.voiceagent.call;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Append-only JSON-lines journal of call records in DATA_DIR, so that calls and transcripts survive
 * a restart or a crash. Each line is a whole snapshot of one record; the last line of an id wins.
 * On open the journal is compacted to one line per call, so it grows with calls, not with changes.
 *
 * <p>Writes happen on one writer thread, so no SIP, media or HTTP thread ever waits for the disk.
 * Snapshots that arrive together are written together and forced with one fsync (group commit):
 * a state change reaches the disk within one fsync of happening, however many calls change at once;
 * transcript lines ride along with the next forced batch.
 */
public final class CallJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallJournal.class.getName());
    private static final String FILE_NAME = "calls.jsonl";

    private final Path file;
    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Condition batchWritten = lock.newCondition();
    private final List<byte[]> pending = new ArrayList<>();
    private boolean pendingDurable;
    private long enqueued;
    private long written;
    private boolean closing;
    private final Thread writer;

    private CallJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.writer = Thread.ofPlatform().daemon().name("call-journal").start(this::writeBatches);
    }

    /** The journal's records as found on disk plus the open journal, compacted. */
    public record Opened(CallJournal journal, List<CallRecord> records, int skippedLines) {
    }

    /**
     * Opens (creating {@code dataDir} if needed) and replays the journal. Unreadable lines — a torn
     * last line after a crash, or damage — are skipped with a warning, never a refusal to start.
     */
    public static Opened open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        Map<String, CallRecord> byId = new LinkedHashMap<>();
        int skipped = 0;
        if (Files.exists(file)) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    CallRecord record = CallRecord.fromJson(JSON.std.mapFrom(line));
                    byId.remove(record.id());
                    byId.put(record.id(), record);
                } catch (IOException | RuntimeException e) {
                    skipped++;
                    LOG.log(System.Logger.Level.WARNING, "journal " + file + " line " + lineNo
                            + " is unreadable and was skipped (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        Path compacted = dataDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel out = FileChannel.open(compacted, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (CallRecord record : byId.values()) {
                out.write(ByteBuffer.wrap(line(record)));
            }
            out.force(true);
        }
        Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Opened(new CallJournal(file, channel), List.copyOf(byId.values()), skipped);
    }

    /**
     * Queues a snapshot for the journal and returns at once. {@code durable} asks for it (and all
     * before it) to be forced to disk, which the writer does for the whole batch it is in.
     */
    public void append(CallRecord record, boolean durable) {
        byte[] bytes;
        try {
            bytes = line(record);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "call " + record.id() + " could not be serialised: " + e);
            return;
        }
        lock.lock();
        try {
            if (closing) {
                LOG.log(System.Logger.Level.WARNING, "journal closed: call " + record.id() + " change not saved");
                return;
            }
            pending.add(bytes);
            pendingDurable |= durable;
            enqueued++;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
    }

    public void appendAll(Collection<CallRecord> records) {
        for (CallRecord record : records) {
            append(record, false);
        }
        flush();
    }

    /** Returns once everything appended so far is written and forced to disk. */
    public void flush() {
        lock.lock();
        try {
            long target = enqueued;
            pendingDurable = true;
            workArrived.signal();
            while (written < target && writer.isAlive()) {
                batchWritten.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void writeBatches() {
        while (true) {
            List<byte[]> batch;
            boolean durable;
            long batchEnd;
            lock.lock();
            try {
                while (pending.isEmpty() && !pendingDurable && !closing) {
                    workArrived.awaitUninterruptibly();
                }
                if (pending.isEmpty() && !pendingDurable && closing) {
                    return;
                }
                batch = List.copyOf(pending);
                pending.clear();
                durable = pendingDurable;
                pendingDurable = false;
                batchEnd = enqueued;
            } finally {
                lock.unlock();
            }
            write(batch, durable);
            lock.lock();
            try {
                written = batchEnd;
                batchWritten.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void write(List<byte[]> batch, boolean durable) {
        try {
            for (byte[] line : batch) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            if (durable) {
                channel.force(false);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "journal " + file + ": " + batch.size()
                    + " change(s) could not be written: " + e.getMessage());
        }
    }

    /** Writes and forces everything queued, then closes the file. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
            channel.force(false);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "journal " + file + " close failed: " + e.getMessage());
        }
    }

    private static byte[] line(CallRecord record) throws IOException {
        // Duration is derived from the stored timestamps when read back; a live call's is written as 0.
        Instant asOf = record.endedAt().or(record::answeredAt).orElse(record.createdAt());
        String json = JSON.std.asString(record.toJson(asOf));
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Marks calls that were live when the process died as failed with cause {@code service_restart}. */
    public static List<CallRecord> failInterrupted(List<CallRecord> records, Instant now) {
        List<CallRecord> out = new ArrayList<>(records.size());
        for (CallRecord r : records) {
            out.add(r.status().isFinal() ? r : r.withEnd(CallStatus.FAILED, "service_restart", "system", now));
        }
        return out;
    }
}
