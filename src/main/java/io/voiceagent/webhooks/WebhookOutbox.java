package io.voiceagent.webhooks;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable outbox: {@code DATA_DIR/webhooks.jsonl} (mode 0600), one JSON line per change, so
 * that events not yet delivered survive a crash or restart. An {@code event} line holds the whole
 * delivery (URL and exact body); {@code attempt} lines update its progress; a {@code done} line
 * ends it. On open, and whenever enough deliveries have ended, the file is rewritten (to a temporary
 * file, then renamed over it) with only the pending ones, so it does not grow with the calls made.
 *
 * <p>Its own file and writer for now; it belongs on the call journal's writer once that one takes
 * record kinds other than calls. Thread-safe: one lock, taken after the dispatcher's.
 */
public final class WebhookOutbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookOutbox.class.getName());
    public static final String FILE_NAME = "webhooks.jsonl";
    /** Ended deliveries whose lines are left in the file before it is compacted. */
    static final int COMPACT_AFTER = 1000;

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Delivery> pending = new LinkedHashMap<>();
    private FileChannel channel;
    private int endedSinceCompaction;
    private int skippedLines;

    private WebhookOutbox(Path file) {
        this.file = file;
    }

    /** Opens (creating) the outbox in {@code dataDir}, reads the pending deliveries and compacts the file. */
    public static WebhookOutbox open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        WebhookOutbox outbox = new WebhookOutbox(dataDir.resolve(FILE_NAME));
        outbox.replay();
        outbox.compact();
        return outbox;
    }

    /** The deliveries not yet ended, oldest first. */
    public List<Delivery> pending() {
        lock.lock();
        try {
            return List.copyOf(pending.values());
        } finally {
            lock.unlock();
        }
    }

    /** Lines that could not be read when the outbox was opened (a torn last line after a crash). */
    public int skippedLines() {
        return skippedLines;
    }

    /** A new event: written and forced to disk before this returns, so it is never lost once accepted. */
    void added(Delivery delivery) {
        lock.lock();
        try {
            pending.put(delivery.id(), delivery);
            write(eventLine(delivery), true);
        } finally {
            lock.unlock();
        }
    }

    /** An attempt failed and another is scheduled; not forced (losing it only repeats an attempt). */
    void attempted(Delivery delivery) {
        lock.lock();
        try {
            pending.put(delivery.id(), delivery);
            write(attemptLine("attempt", delivery), false);
        } finally {
            lock.unlock();
        }
    }

    /** The delivery ended (delivered, rejected or expired). */
    void ended(Delivery delivery) {
        lock.lock();
        try {
            pending.remove(delivery.id());
            write(attemptLine("done", delivery), false);
            if (++endedSinceCompaction >= COMPACT_AFTER) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + file + " failed: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void replay() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                apply(JSON.std.mapFrom(line));
            } catch (IOException | RuntimeException e) {
                skippedLines++;
            }
        }
        if (skippedLines > 0) {
            LOG.log(System.Logger.Level.WARNING, skippedLines + " unreadable line(s) in " + file + " skipped");
        }
    }

    private void apply(Map<String, Object> m) {
        String id = (String) m.get("id");
        switch ((String) m.get("op")) {
            case "event" -> pending.put(id, new Delivery(id, (String) m.get("call_id"),
                    EventType.fromWire((String) m.get("type")).orElseThrow(), URI.create((String) m.get("url")),
                    (String) m.get("body"), Instant.parse((String) m.get("created_at")), DeliveryState.PENDING,
                    number(m, "attempts"), text(m, "last_status"), text(m, "last_attempt_at").map(Instant::parse),
                    Instant.parse((String) m.get("next_attempt_at"))));
            case "attempt" -> {
                Delivery d = pending.get(id);
                if (d != null) {
                    pending.put(id, new Delivery(d.id(), d.callId(), d.type(), d.url(), d.body(), d.createdAt(),
                            DeliveryState.PENDING, number(m, "attempts"), text(m, "last_status"),
                            text(m, "last_attempt_at").map(Instant::parse),
                            Instant.parse((String) m.get("next_attempt_at"))));
                }
            }
            case "done" -> pending.remove(id);
            default -> throw new IllegalArgumentException("unknown op");
        }
    }

    /** Rewrites the file with the pending deliveries only. Called with the lock held (or before use). */
    private void compact() throws IOException {
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        StringBuilder text = new StringBuilder();
        for (Delivery d : pending.values()) {
            text.append(eventLine(d)).append('\n');
        }
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            writeFully(out, text.toString());
            out.force(true);
        }
        if (channel != null) {
            channel.close();
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        endedSinceCompaction = 0;
    }

    private void write(String line, boolean force) {
        if (channel == null) {
            throw new UncheckedIOException(new IOException(file + " is closed"));
        }
        try {
            writeFully(channel, line + "\n");
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void writeFully(FileChannel out, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static String eventLine(Delivery d) {
        Map<String, Object> m = progress("event", d);
        m.put("call_id", d.callId());
        m.put("type", d.type().wireName());
        m.put("url", d.url().toString());
        m.put("created_at", d.createdAt().toString());
        m.put("body", d.body());
        return json(m);
    }

    private static String attemptLine(String op, Delivery d) {
        Map<String, Object> m = progress(op, d);
        if (op.equals("done")) {
            m.put("state", d.state().wireName());
        }
        return json(m);
    }

    private static Map<String, Object> progress(String op, Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("id", d.id());
        m.put("attempts", d.attempts());
        m.put("last_status", d.lastStatus().orElse(null));
        m.put("last_attempt_at", d.lastAttemptAt().map(Instant::toString).orElse(null));
        m.put("next_attempt_at", d.nextAttemptAt().toString());
        return m;
    }

    private static String json(Map<String, Object> m) {
        try {
            return JSON.std.asString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.intValue() : 0;
    }

    private static Optional<String> text(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
