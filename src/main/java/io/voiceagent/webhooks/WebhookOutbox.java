package io.voiceagent.webhooks;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.JournalKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The durable outbox: {@code DATA_DIR/webhooks.jsonl} (mode 0600), a journal of the call journal's kind
 * ({@link CallJournal} with {@link #KIND}: one writer thread, {@code webhook-outbox}, group commit, a torn
 * tail cut off, unreadable lines set aside), so that events not yet delivered survive a crash or restart.
 * An event's first line is its whole delivery (URL and exact body); a change line records each failed
 * attempt, and one its end (delivered, rejected or expired).
 *
 * <p>Nothing here waits for the disk: {@link #added} queues the event's line, asking for it to be forced
 * with the next group commit, and returns; the attempt that sends it first waits for that
 * ({@link #awaitDurable}), on its own thread. Attempts and ends are not forced (losing one only repeats
 * an attempt). Ended events leave the file at the compaction done at open and after every
 * {@link #COMPACT_AFTER} ends (a retention of zero), so it does not grow with the calls made.
 *
 * <p>A file of the format before this one ({@code {"op":"event"|"attempt"|"done",...}} lines) is read
 * once at open: its pending events are written to the new file and the old one, first renamed
 * {@code webhooks.jsonl.v1} (a migration cut short is done again from it), is then deleted.
 *
 * <p>Thread-safe: one lock, a leaf but for the journal's queue lock, taken after the dispatcher's.
 */
public final class WebhookOutbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookOutbox.class.getName());
    public static final String FILE_NAME = "webhooks.jsonl";
    /** Ended deliveries whose lines are left in the file before it is compacted. */
    static final int COMPACT_AFTER = 1000;
    /** What the file was renamed to while its old-format events are moved to the new one. */
    static final String LEGACY_FILE_NAME = FILE_NAME + ".v1";

    /** One delivery per record, its id the event's; ended ones leave at the next compaction. */
    static final JournalKind<Delivery> KIND = new JournalKind<>() {
        @Override
        public String fileName() {
            return FILE_NAME;
        }

        @Override
        public String writerThreadName() {
            return "webhook-outbox";
        }

        @Override
        public Delivery record(Map<String, Object> m) {
            return new Delivery((String) m.get("id"), (String) m.get("call_id"),
                    EventType.fromWire((String) m.get("type")).orElseThrow(), URI.create((String) m.get("url")),
                    (String) m.get("body"), Instant.parse((String) m.get("created_at")),
                    text(m, "state").map(s -> DeliveryState.fromWire(s).orElseThrow()).orElse(DeliveryState.PENDING),
                    number(m, "attempts"), text(m, "last_status"), text(m, "last_attempt_at").map(Instant::parse),
                    Instant.parse((String) m.get("next_attempt_at")));
        }

        @Override
        public Map<String, Object> fields(Delivery d) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("created_at", d.createdAt().toString());
            m.put("call_id", d.callId());
            m.put("type", d.type().wireName());
            m.put("url", d.url().toString());
            m.putAll(progress(d));
            m.put("body", d.body()); // last: the large field, after those a reader of the file looks for
            return m;
        }

        @Override
        public boolean endedBefore(Delivery d, Instant cutoff) {
            return endedAt(d).filter(ended -> !ended.isAfter(cutoff)).isPresent();
        }

        @Override
        public Instant createdAt(Delivery d) {
            return d.createdAt();
        }
    };

    private final CallJournal journal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Delivery> pending = new LinkedHashMap<>();
    /** The line numbers of events added in this run and not yet known to be on disk, by event id. */
    private final Map<String, Long> unforced = new HashMap<>();
    private final int quarantinedLines;
    private int endedSinceCompaction;

    private WebhookOutbox(CallJournal journal, List<Delivery> restored, int quarantinedLines) {
        this.journal = journal;
        this.quarantinedLines = quarantinedLines;
        for (Delivery d : restored) {
            if (d.state() == DeliveryState.PENDING) {
                pending.put(d.id(), d);
            }
        }
    }

    /** Opens (creating) the outbox in {@code dataDir}, reads the pending deliveries and compacts the file. */
    public static WebhookOutbox open(Path dataDir, Clock clock) throws IOException {
        return open(dataDir, clock, UnaryOperator.identity());
    }

    /** {@link #open(Path, Clock)} writing through {@code appendThrough}: a test's slow disk. */
    static WebhookOutbox open(Path dataDir, Clock clock, UnaryOperator<FileChannel> appendThrough)
            throws IOException {
        Optional<List<Delivery>> migrated = legacyPending(dataDir);
        CallJournal.Loaded<Delivery> loaded = CallJournal.open(dataDir, clock, new CallJournal.Settings(
                Duration.ZERO, CallJournal.Settings.DEFAULT_RETRY_INTERVAL, 0), KIND, appendThrough);
        WebhookOutbox outbox = new WebhookOutbox(loaded.journal(), loaded.records(), loaded.quarantinedLines());
        if (migrated.isPresent()) {
            migrated.get().forEach(outbox::added);
            loaded.journal().flush();
            if (loaded.journal().status().state() != CallJournal.State.OK) {
                outbox.close();
                throw new IOException("the old outbox's events cannot be written to " + FILE_NAME + ": "
                        + loaded.journal().status().error().orElse("write failed"));
            }
            Files.delete(dataDir.resolve(LEGACY_FILE_NAME));
            LOG.log(System.Logger.Level.INFO, migrated.get().size() + " pending webhook event(s) moved from the"
                    + " old outbox format to the new " + FILE_NAME);
        }
        loaded.journal().awaitCompaction(loaded.journal().compactSoon());
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

    /** Lines that could not be read when the outbox was opened (moved to a {@code .corrupt-} file). */
    public int quarantinedLines() {
        return quarantinedLines;
    }

    /** A new event: its line is queued, to be forced with the next group commit; never waits for the disk. */
    void added(Delivery delivery) {
        lock.lock();
        try {
            pending.put(delivery.id(), delivery);
            unforced.put(delivery.id(), journal.appendSnapshot(KIND.fields(delivery), true));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the event's line is on disk and returns true (at once for an event read back at open);
     * returns false when it cannot be yet, the outbox being unwritable (it stays queued, and is written
     * when the disk recovers) or closed. Called by the attempt before it sends the event.
     */
    boolean awaitDurable(Delivery delivery) throws InterruptedException {
        Long seq;
        lock.lock();
        try {
            seq = unforced.get(delivery.id());
        } finally {
            lock.unlock();
        }
        if (seq == null) {
            return true;
        }
        boolean durable = journal.awaitDurableOrFailing(seq);
        if (durable) {
            lock.lock();
            try {
                unforced.remove(delivery.id(), seq);
            } finally {
                lock.unlock();
            }
        }
        return durable;
    }

    /** An attempt failed and another is scheduled; not forced (losing it only repeats an attempt). */
    void attempted(Delivery delivery) {
        lock.lock();
        try {
            pending.put(delivery.id(), delivery);
            journal.appendChanges(delivery.id(), progress(delivery), false);
        } finally {
            lock.unlock();
        }
    }

    /** The delivery ended (delivered, rejected or expired); not forced (a repeat is what at least once allows). */
    void ended(Delivery delivery) {
        lock.lock();
        try {
            pending.remove(delivery.id());
            unforced.remove(delivery.id());
            journal.appendChanges(delivery.id(), progress(delivery), false);
            if (++endedSinceCompaction >= COMPACT_AFTER) {
                journal.compactSoon();
                endedSinceCompaction = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes and forces what is queued, then closes the file. */
    @Override
    public void close() {
        journal.close();
    }

    /** The fields an attempt changes; a final state carries its {@code ended_at}, which compaction reads. */
    private static Map<String, Object> progress(Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", d.state().wireName());
        m.put("attempts", d.attempts());
        m.put("last_status", d.lastStatus().orElse(null));
        m.put("last_attempt_at", d.lastAttemptAt().map(Instant::toString).orElse(null));
        m.put("next_attempt_at", d.nextAttemptAt().toString());
        endedAt(d).ifPresent(ended -> m.put("ended_at", ended.toString()));
        return m;
    }

    private static Optional<Instant> endedAt(Delivery d) {
        return d.state() == DeliveryState.PENDING ? Optional.empty()
                : Optional.of(d.lastAttemptAt().orElse(d.nextAttemptAt()));
    }

    // ---- the format before this one -----------------------------------------------------------------

    /**
     * The pending events of an outbox file in the old format ({@code op} lines), which is first renamed
     * {@link #LEGACY_FILE_NAME}; empty when there is no such file. A migration cut short left that file: it is
     * read again, and what the new file got of it is dropped.
     */
    private static Optional<List<Delivery>> legacyPending(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Path legacy = dataDir.resolve(LEGACY_FILE_NAME);
        if (Files.exists(file) && isLegacy(file)) {
            Files.move(file, legacy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (!Files.exists(legacy)) {
            return Optional.empty();
        }
        Files.deleteIfExists(file);
        Map<String, Delivery> pending = new LinkedHashMap<>();
        int skipped = 0;
        for (String line : Files.readAllLines(legacy, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                applyLegacy(JSON.std.mapFrom(line), pending);
            } catch (IOException | RuntimeException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.log(System.Logger.Level.WARNING, skipped + " unreadable line(s) in " + legacy + " skipped");
        }
        return Optional.of(List.copyOf(pending.values()));
    }

    /** Whether the file starts as the old format's lines all do. */
    private static boolean isLegacy(Path file) throws IOException {
        byte[] head = "{\"op\":".getBytes(StandardCharsets.UTF_8);
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(head.length), head);
        }
    }

    private static void applyLegacy(Map<String, Object> m, Map<String, Delivery> pending) {
        String id = (String) m.get("id");
        switch ((String) m.get("op")) {
            case "event" -> pending.put(id, KIND.record(m));
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

    private static int number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.intValue() : 0;
    }

    private static Optional<String> text(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
