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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Append-only JSON-lines journal of call records in DATA_DIR ({@code calls.jsonl}), so that calls and
 * transcripts survive a restart or a crash. A call's first line is its whole record; later lines carry
 * only what changed ({@link JournalLines}). The same machinery keeps other records in files of their own
 * ({@link JournalKind}: the campaigns), opened with {@link #open(Path, Clock, Settings, JournalKind)} and
 * written with {@link #appendSnapshot} and {@link #appendChanges}.
 *
 * <p>Writes happen on one writer thread, so no SIP, media or HTTP thread ever waits for the disk, except
 * a start, which waits for its first record to be forced ({@link #awaitDurable}). Lines that arrive
 * together are written together and forced with one fsync (group commit). A reader that can go on from
 * memory while the disk fails waits with {@link #awaitDurableOrFailing} instead (the webhooks' outbox).
 *
 * <p>Nothing is lost silently. When a write fails (disk full, I/O error) the journal turns
 * {@link State#FAILING}: the failed lines stay queued in memory, in order, with everything after them,
 * and are written again every {@code retryInterval} until the disk takes them; past
 * {@link #COALESCE_ABOVE} queued lines each call's changes are merged into one, so a long outage holds
 * memory in proportion to the calls, not to their changes. The file is first cut
 * back to its last complete line, so a torn line is never followed by another record. Lines that cannot
 * be read at start are moved to {@code calls.jsonl.corrupt-<time>}, never dropped.
 *
 * <p>The file is compacted (one snapshot per call, written to a new file and renamed over the old)
 * when it has grown past twice its live size, or when asked ({@link #compactSoon}: a kind whose records
 * leave as soon as they end); ended calls older than the retention leave it then.
 * The file is {@code 0600} and a directory the journal creates {@code 0700}: it holds phone numbers and
 * transcripts. Lock: {@code lock} guards the queue and the state; the file is touched by the writer
 * thread only (and by {@link #close} once the writer has stopped).
 */
public final class CallJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallJournal.class.getName());
    static final String FILE_NAME = "calls.jsonl";
    /** Below this size a journal is never worth compacting. */
    private static final long MIN_COMPACTION_BYTES = 64 * 1024;
    /** A file system page, more than a usual call's first record: what a recovered disk must take again. */
    private static final int PROBE_BYTES = 4 * 1024;
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final DateTimeFormatter CORRUPT_SUFFIX =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param retention     ended calls older than this leave the journal at compaction (JOURNAL_RETENTION_DAYS)
     * @param retryInterval how long a failing journal waits before writing its queued lines again
     * @param callsLoaded   how many of the newest calls a start reads back into memory
     */
    public record Settings(Duration retention, Duration retryInterval, int callsLoaded) {
        public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
        public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

        public Settings {
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(retryInterval, "retryInterval");
        }
    }

    public enum State {
        OK("ok"), FAILING("failing");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * @param error            the last write error while failing
     * @param writeErrors      failed write attempts since start
     * @param quarantinedLines lines moved to a {@code .corrupt-} file at start
     */
    public record Status(State state, Optional<String> error, long writeErrors, int quarantinedLines) {
    }

    /** The journal's calls as found on disk, plus the open journal. */
    public record Opened(CallJournal journal, List<CallRecord> records, int quarantinedLines) {
    }

    /** A journal of another kind as found on disk (the records loaded, in the order they were created), open. */
    public record Loaded<R>(CallJournal journal, List<R> records, int quarantinedLines) {
        public Loaded {
            records = List.copyOf(records);
        }
    }

    /** Lines a failing journal holds before it merges each call's queued changes into one. */
    static final int COALESCE_ABOVE = 1_000;

    record Entry(long seq, JournalLines.Line line) {
    }

    private final Path dir;
    private final Path file;
    private final JournalKind<?> kind;
    private final Clock clock;
    private final Settings settings;
    private int quarantinedLines;
    private final Map<String, String> restoredKeys;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final List<Entry> pending = new ArrayList<>();
    private long lastSeq;
    private long forcedThrough;
    private boolean pendingDurable;
    /** The last line appended with {@code durable}: every line up to it is in a batch that will be forced. */
    private long durableRequested;
    private boolean closing;
    private State state = State.OK;
    private Optional<String> lastError = Optional.empty();
    private long writeErrors;
    /** Set by {@link #compactSoon}: the writer compacts once line {@code compactAfter} is written. */
    private boolean compactionAsked;
    private long compactAfter;
    private long compactions;
    private final Thread writer;
    /** Wraps every channel the writer appends through: the identity, or a test's slow disk. */
    private final UnaryOperator<FileChannel> appendThrough;

    // Owned by the writer thread.
    private FileChannel channel;
    private long completeBytes;
    private long liveBytes;
    private boolean tailMayBeTorn;
    private long nextCompactionCheck;
    private boolean compactFirst;
    /** Lines open moved aside already: the compaction that follows drops them without a second copy. */
    private Set<Long> quarantinedAtOpen;

    private CallJournal(Path dir, JournalKind<?> kind, Clock clock, Settings settings, FileChannel channel, long size,
                        long liveBytes, int quarantinedLines, Map<String, String> restoredKeys, boolean compactFirst,
                        Set<Long> quarantinedAtOpen, UnaryOperator<FileChannel> appendThrough) {
        this.dir = dir;
        this.appendThrough = appendThrough;
        this.kind = kind;
        this.file = dir.resolve(kind.fileName());
        this.clock = clock;
        this.settings = settings;
        this.channel = channel;
        this.completeBytes = size;
        this.liveBytes = liveBytes;
        this.quarantinedLines = quarantinedLines;
        this.restoredKeys = Map.copyOf(restoredKeys);
        this.compactFirst = compactFirst;
        this.quarantinedAtOpen = Set.copyOf(quarantinedAtOpen);
        this.writer = Thread.ofPlatform().daemon().name(kind.writerThreadName()).start(this::writeBatches);
    }

    /**
     * Opens (creating {@code dataDir} if needed) and replays the journal: the newest {@code callsLoaded}
     * calls, every call that may not have ended, and every call whose idempotency key is still valid;
     * older calls stay on disk only (the API serves them no more than it did before the restart).
     * Unreadable lines (a torn last line after a crash, or damage) are moved to a {@code .corrupt-} file
     * with a warning, never a refusal to start; a torn tail is cut off at once, and the rest waits for
     * the compaction that the writer then runs first.
     */
    public static Opened open(Path dataDir, Clock clock, Settings settings) throws IOException {
        Loaded<CallRecord> loaded = open(dataDir, clock, settings, JournalKind.CALLS);
        return new Opened(loaded.journal(), loaded.records(), loaded.quarantinedLines());
    }

    /**
     * {@link #open(Path, Clock, Settings)} for a journal of any kind, in its own file: the records that
     * {@code settings.callsLoaded()} and the rules above load, the others left on disk.
     */
    public static <R> Loaded<R> open(Path dataDir, Clock clock, Settings settings, JournalKind<R> kind)
            throws IOException {
        return open(dataDir, clock, settings, kind, UnaryOperator.identity());
    }

    /**
     * {@link #open(Path, Clock, Settings, JournalKind)} with every channel the writer appends through (and
     * forces) wrapped by {@code appendThrough}: the seam through which a test makes the disk slow.
     */
    public static <R> Loaded<R> open(Path dataDir, Clock clock, Settings settings, JournalKind<R> kind,
                                     UnaryOperator<FileChannel> appendThrough) throws IOException {
        Objects.requireNonNull(appendThrough, "appendThrough");
        ensurePrivateDirectory(dataDir);
        Path file = dataDir.resolve(kind.fileName());
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        setMode(file, FILE_MODE);
        Instant now = clock.instant();
        JournalScan scan = JournalScan.of(file);
        List<String> unreadable = new ArrayList<>(scan.unreadable.values());
        if (!unreadable.isEmpty()) {
            quarantine(dataDir, kind, now, unreadable, scan.firstProblem.orElse("unreadable"));
        }
        if (scan.tornTail) {
            try (FileChannel cut = FileChannel.open(file, StandardOpenOption.WRITE)) {
                cut.truncate(scan.completeBytes);
                cut.force(true);
            }
        }
        Set<String> loaded = callsToLoad(scan, settings.callsLoaded(), now);
        Map<String, List<String>> linesById = new LinkedHashMap<>();
        long fromLine = scan.calls.values().stream().filter(c -> loaded.contains(c.id))
                .mapToLong(c -> c.firstLine).min().orElse(Long.MAX_VALUE);
        scan.replay(file, fromLine, (no, line, call) -> {
            if (loaded.contains(call.id)) {
                linesById.computeIfAbsent(call.id, id -> new ArrayList<>(call.lines)).add(line.text());
            }
        });
        // Calls are independent of one another: they are parsed and folded on every core.
        List<Folded<R>> folded = linesById.values().parallelStream().map(lines -> fold(kind, lines)).toList();
        Map<String, String> keys = new LinkedHashMap<>();
        List<R> records = new ArrayList<>(folded.size());
        List<String> unfoldable = new ArrayList<>();
        for (Folded<R> call : folded) {
            call.record().ifPresent(records::add);
            call.record().ifPresent(r -> call.key().ifPresent(key -> keys.put(call.id(), key)));
            unfoldable.addAll(call.unreadable());
        }
        if (!unfoldable.isEmpty()) {
            quarantine(dataDir, kind, now, unfoldable, "lines whose fields do not make a record");
        }
        int quarantined = unreadable.size() + unfoldable.size();
        long size = Files.size(file);
        boolean compactNow = quarantined > 0 || size > 2 * scan.liveBytes && size > MIN_COMPACTION_BYTES;
        FileChannel channel = appendThrough.apply(FileChannel.open(file, StandardOpenOption.WRITE));
        CallJournal journal = new CallJournal(dataDir, kind, clock, settings, channel, size, scan.liveBytes,
                quarantined, keys, compactNow, scan.unreadable.keySet(), appendThrough);
        return new Loaded<>(journal, records, quarantined);
    }

    /** One call read back: its record unless its lines do not make one, and the lines that could not be read. */
    private record Folded<R>(String id, Optional<R> record, Optional<String> key, List<String> unreadable) {
    }

    private static <R> Folded<R> fold(JournalKind<R> kind, List<String> lines) {
        JournalLines.Replay replay = new JournalLines.Replay();
        List<String> unreadable = new ArrayList<>();
        for (String line : lines) {
            try {
                replay.apply(line);
            } catch (JournalLines.UnreadableLine e) {
                unreadable.add(line);
            }
        }
        Optional<R> record = Optional.empty();
        Optional<String> key = Optional.empty();
        String id = "";
        for (Map.Entry<String, Map<String, Object>> e : replay.states().entrySet()) {
            id = e.getKey();
            try {
                record = Optional.of(JournalLines.Replay.record(kind, e.getValue()));
                key = replay.idempotencyKey(e.getKey());
            } catch (JournalLines.UnreadableLine bad) {
                try {
                    unreadable.add(JSON.std.asString(e.getValue()));
                } catch (IOException unwritable) {
                    unreadable.add(String.valueOf(e.getValue()));
                }
            }
        }
        return new Folded<>(id, record, key, unreadable);
    }

    /** The newest calls, the calls that may still be live, and the calls still named by a key. */
    private static Set<String> callsToLoad(JournalScan scan, int newest, Instant now) {
        Set<String> loaded = new HashSet<>();
        int skip = scan.calls.size() - newest;
        Instant keysFrom = now.minus(IdempotentStarts.WINDOW);
        int index = 0;
        for (JournalScan.Call call : scan.calls.values()) {
            if (index++ >= skip || !call.mayHaveEnded || call.keyedAt.map(at -> !isBefore(at, keysFrom)).orElse(false)) {
                loaded.add(call.id);
            }
        }
        return loaded;
    }

    private static boolean isBefore(String instant, Instant limit) {
        try {
            return Instant.parse(instant).isBefore(limit);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static void quarantine(Path dir, JournalKind<?> kind, Instant now, List<String> lines,
                                   String firstProblem) throws IOException {
        Path corrupt = dir.resolve(kind.fileName() + ".corrupt-" + CORRUPT_SUFFIX.format(now));
        try (FileChannel out = FileChannel.open(corrupt, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            setMode(corrupt, FILE_MODE);
            for (String line : lines) {
                writeFully(out, ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            out.force(true);
        }
        LOG.log(System.Logger.Level.WARNING, "journal " + dir.resolve(kind.fileName()) + ": " + lines.size()
                + " unreadable line(s) moved to " + corrupt.getFileName() + " (first: " + firstProblem + ")");
    }

    /** {@link #open(Path, Clock, Settings)} with the system clock and the default settings. */
    public static Opened open(Path dataDir) throws IOException {
        return open(dataDir, Clock.systemUTC(), new Settings(Settings.DEFAULT_RETENTION,
                Settings.DEFAULT_RETRY_INTERVAL, CallManager.Settings.DEFAULT_ENDED_CALLS_IN_MEMORY));
    }

    /** The idempotency keys found at open, by call id: the starts they name are still answered for. */
    Map<String, String> restoredIdempotencyKeys() {
        return restoredKeys;
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Queues a record's whole fields ({@code "id"} first, {@code "created_at"} in them) as a snapshot line,
     * which replaces everything before it for that id; returns its sequence number for
     * {@link #awaitDurable}, or -1 once closed.
     */
    public long appendSnapshot(Map<String, Object> fields, boolean durable) {
        try {
            return append(JournalLines.snapshot(fields, Optional.empty()), durable);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("fields that cannot be written as JSON", e);
        }
    }

    /** Queues a change to record {@code id}: the fields set (a null clears one). */
    public long appendChanges(String id, Map<String, Object> set, boolean durable) {
        try {
            return append(JournalLines.delta(id, set, Map.of()), durable);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("fields that cannot be written as JSON", e);
        }
    }

    /**
     * Queues a line and returns at once with its sequence number. {@code durable} asks for it (and all
     * before it) to be forced to disk, which the writer does for the whole batch it is in.
     */
    long append(JournalLines.Line line, boolean durable) {
        lock.lock();
        try {
            if (closing) {
                LOG.log(System.Logger.Level.WARNING, "journal closed: a change was not saved");
                return -1;
            }
            long seq = ++lastSeq;
            pending.add(new Entry(seq, line));
            pendingDurable |= durable;
            if (durable) {
                durableRequested = seq;
            }
            workArrived.signal();
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until line {@code seq} is forced to disk and returns true; or, when a write attempt fails
     * first, withdraws the line (it will never be written) and returns false. A line the writer is
     * already retrying is waited for instead, so a true answer always means it is on disk.
     */
    public boolean awaitDurable(long seq) {
        lock.lock();
        try {
            pendingDurable = true;
            workArrived.signal();
            long errorsSeen = writeErrors;
            while (forcedThrough < seq) {
                if (writeErrors != errorsSeen || !writer.isAlive()) {
                    if (pending.removeIf(e -> e.seq() == seq) || !writer.isAlive()) {
                        return false;
                    }
                    errorsSeen = writeErrors;
                }
                progress.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until line {@code seq} is forced to disk and returns true; or returns false as soon as the journal
     * is failing (or closed), leaving the line queued: it is written, in order, when the disk takes lines
     * again. For a line whose reader can go on from memory meanwhile (the webhooks' outbox), where
     * {@link #awaitDurable} is for one that must be refused instead.
     */
    public boolean awaitDurableOrFailing(long seq) throws InterruptedException {
        lock.lock();
        try {
            if (seq < 0) {
                return false; // appended after close: never written
            }
            if (durableRequested < seq) { // else its batch is forced already: no second fsync for it
                pendingDurable = true;
                durableRequested = lastSeq;
                workArrived.signal();
            }
            while (forcedThrough < seq) {
                if (state == State.FAILING || !writer.isAlive()) {
                    return false;
                }
                progress.await(100, TimeUnit.MILLISECONDS); // also sees a writer that stopped at close
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks the writer to compact the file after what is queued now, whatever its size, and returns at once:
     * for a kind whose records leave soon after they end (a retention of zero), which the file's live-size
     * estimate does not see, since their lines were live when written. Returns the number of the compaction
     * that will do it, for {@link #awaitCompaction}.
     */
    public long compactSoon() {
        lock.lock();
        try {
            compactionAsked = true;
            compactAfter = lastSeq;
            workArrived.signal();
            return compactions + 1;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for compaction {@code number} ({@link #compactSoon}); returns early if the journal fails or closes. */
    public void awaitCompaction(long number) {
        lock.lock();
        try {
            while (compactions < number && state == State.OK && writer.isAlive() && !closing) {
                progress.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Returns once everything appended so far is forced to disk, or as soon as a write fails. */
    public void flush() {
        lock.lock();
        try {
            long target = lastSeq;
            long errorsSeen = writeErrors;
            pendingDurable = true;
            workArrived.signal();
            while (forcedThrough < target && writeErrors == errorsSeen && writer.isAlive()) {
                progress.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    public Status status() {
        lock.lock();
        try {
            return new Status(state, lastError, writeErrors, quarantinedLines);
        } finally {
            lock.unlock();
        }
    }

    private void writeBatches() {
        if (compactFirst) {
            compact();
        }
        while (true) {
            List<Entry> batch;
            boolean durable;
            long batchEnd;
            boolean finalAttempt;
            lock.lock();
            try {
                awaitWork();
                finalAttempt = closing;
                if (pending.isEmpty() && !pendingDurable && !compactionAsked && closing) {
                    return;
                }
                batch = List.copyOf(pending);
                pending.clear();
                durable = pendingDurable || state == State.FAILING;
                pendingDurable = false;
                batchEnd = lastSeq;
            } finally {
                lock.unlock();
            }
            Optional<IOException> failure = batch.isEmpty() && durable && wasFailing(batch)
                    ? probe() : write(batch, durable);
            List<Entry> coalesced = failure.isPresent() ? coalesce(batch) : batch;
            lock.lock();
            try {
                if (failure.isEmpty()) {
                    if (durable) {
                        forcedThrough = batchEnd;
                    }
                    if (state == State.FAILING) {
                        state = State.OK;
                        lastError = Optional.empty();
                        LOG.log(System.Logger.Level.WARNING, "journal " + file + " writes again: "
                                + batch.size() + " queued change(s) written");
                    }
                } else {
                    pending.addAll(0, coalesced);
                    pendingDurable |= durable;
                    writeErrors++;
                    lastError = Optional.of(String.valueOf(failure.get().getMessage()));
                    if (state == State.OK) {
                        state = State.FAILING;
                        LOG.log(System.Logger.Level.ERROR, "journal " + file + " cannot be written ("
                                + lastError.get() + "): new calls are refused; changes of live calls are kept"
                                + " in memory and written when the disk takes them");
                    }
                    if (finalAttempt) {
                        LOG.log(System.Logger.Level.ERROR, "journal " + file + " closed while failing: "
                                + pending.size() + " change(s) were not saved");
                        progress.signalAll();
                        return;
                    }
                }
                progress.signalAll();
            } finally {
                lock.unlock();
            }
            if (failure.isEmpty() && takeCompactionRequest(batchEnd)) {
                compact();
                lock.lock();
                try {
                    compactions++;
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
            } else if (failure.isEmpty()) {
                compactIfGrown();
            }
        }
    }

    /** Whether a compaction was asked for and every line queued when it was is written ({@code written}). */
    private boolean takeCompactionRequest(long written) {
        lock.lock();
        try {
            boolean due = compactionAsked && written >= compactAfter;
            compactionAsked &= !due;
            return due;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lines a failed write leaves queued, with each call's run of changes since its last queued
     * snapshot made one change ({@link JournalLines#merge}): during a long outage the memory held grows
     * with the calls and what they say, not with every state change and media sample. The merged change
     * takes its run's first place and last sequence number, so each call's lines stay in order and a
     * waiter for any of them is released when it is written. Below {@link #COALESCE_ABOVE} lines it is
     * not worth the parsing.
     */
    static List<Entry> coalesce(List<Entry> batch) {
        if (batch.size() <= COALESCE_ABOVE) {
            return batch;
        }
        List<Object> slots = new ArrayList<>(); // an Entry kept as it is, or a Run of one call's deltas
        Map<String, Run> openRuns = new HashMap<>();
        for (Entry entry : batch) {
            Optional<JournalLines.Head> head = JournalScan.head(entry.line().bytes());
            if (head.isEmpty()) {
                slots.add(entry);
            } else if (head.get().delta()) {
                Run run = openRuns.get(head.get().callId());
                if (run == null) {
                    run = new Run();
                    openRuns.put(head.get().callId(), run);
                    slots.add(run);
                }
                run.entries.add(entry);
            } else {
                openRuns.remove(head.get().callId());
                slots.add(entry);
            }
        }
        List<Entry> out = new ArrayList<>(slots.size());
        for (Object slot : slots) {
            if (slot instanceof Run run) {
                out.addAll(run.merged());
            } else {
                out.add((Entry) slot);
            }
        }
        return out;
    }

    /** One call's consecutive queued changes. */
    private static final class Run {
        final List<Entry> entries = new ArrayList<>();

        List<Entry> merged() {
            if (entries.size() == 1) {
                return entries;
            }
            try {
                return List.of(new Entry(entries.getLast().seq(),
                        JournalLines.merge(entries.stream().map(Entry::line).toList())));
            } catch (IOException e) {
                return entries; // kept as they are: merging is an economy, never a reason to lose a line
            }
        }
    }

    /** Under {@code lock}: waits for lines to write, or while failing for the retry interval to pass. */
    private void awaitWork() {
        if (state == State.FAILING && !closing) {
            long left = settings.retryInterval().toNanos();
            try {
                while (left > 0 && !closing) {
                    left = workArrived.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                // the writer is never interrupted on purpose: retry now
            }
            return;
        }
        while (pending.isEmpty() && !pendingDurable && !compactionAsked && !closing) {
            workArrived.awaitUninterruptibly();
        }
    }

    private boolean wasFailing(List<Entry> batch) {
        lock.lock();
        try {
            return batch.isEmpty() && state == State.FAILING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * While failing with nothing left to write (a refused start withdrew its line), whether the disk takes
     * a record again: a blank line of {@link #PROBE_BYTES}, which readers skip,
     * written, forced and cut off again. Without it the journal could neither recover nor know it had.
     */
    private Optional<IOException> probe() {
        try {
            channel.truncate(completeBytes);
            ByteBuffer blank = ByteBuffer.allocate(PROBE_BYTES);
            while (blank.hasRemaining()) {
                blank.put(blank.remaining() == 1 ? (byte) '\n' : (byte) ' ');
            }
            blank.flip();
            long position = completeBytes;
            while (blank.hasRemaining()) {
                position += channel.write(blank, position);
            }
            channel.force(false);
            channel.truncate(completeBytes);
            tailMayBeTorn = false;
            return Optional.empty();
        } catch (IOException e) {
            tailMayBeTorn = true;
            return Optional.of(e);
        }
    }

    /** Appends the batch after the last complete line; on failure the file is cut back there next time. */
    private Optional<IOException> write(List<Entry> batch, boolean durable) {
        try {
            if (tailMayBeTorn) {
                channel.truncate(completeBytes);
                tailMayBeTorn = false;
            }
            long position = completeBytes;
            long live = 0;
            for (Entry entry : batch) {
                ByteBuffer buffer = ByteBuffer.wrap(entry.line().bytes());
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                live += entry.line().live() ? entry.line().bytes().length : 0;
            }
            if (durable) {
                channel.force(false);
            }
            completeBytes = position;
            liveBytes += live;
            return Optional.empty();
        } catch (IOException e) {
            tailMayBeTorn = true;
            return Optional.of(e);
        }
    }

    /** On the writer thread: compacts once the file is over twice its live size. */
    private void compactIfGrown() {
        if (completeBytes > 2 * liveBytes && completeBytes > MIN_COMPACTION_BYTES
                && completeBytes >= nextCompactionCheck) {
            compact();
        }
    }

    /**
     * On the writer thread: writes one snapshot per call to a new file and renames it over the journal.
     * A call that is one snapshot already is copied as it is (or left out once it ended before the
     * retention), so only the calls that changed since the last compaction are parsed and folded.
     */
    private void compact() {
        long before = completeBytes;
        Path compacted = dir.resolve(kind.fileName() + ".compacting");
        try {
            Instant now = clock.instant();
            Instant cutoff = now.minus(settings.retention());
            Instant keysFrom = now.minus(IdempotentStarts.WINDOW);
            JournalScan scan = JournalScan.of(file);
            List<String> unreadable = new ArrayList<>();
            scan.unreadable.forEach((no, line) -> {
                if (!quarantinedAtOpen.contains(no)) {
                    unreadable.add(line);
                }
            });
            quarantinedAtOpen = Set.of();
            JournalLines.Replay replay = new JournalLines.Replay();
            try (FileChannel out = FileChannel.open(compacted, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                setMode(compacted, FILE_MODE);
                BufferedLines lines = new BufferedLines(out);
                scan.replay(file, (no, line, call) -> {
                    if (call.lines == 1 && !call.hasDeltas) {
                        boolean expired = JournalScan.endedAt(line).map(ended -> isBefore(ended, cutoff)).orElse(false);
                        if (!expired) {
                            lines.add(line.bytesWithNewline());
                        }
                        return;
                    }
                    String text = line.text();
                    try {
                        replay.apply(text);
                    } catch (JournalLines.UnreadableLine e) {
                        unreadable.add(text);
                    }
                    if (no == call.lastLine) {
                        Optional<String> key = replay.idempotencyKey(call.id);
                        replay.forgetKey(call.id);
                        Optional<Map<String, Object>> state = replay.take(call.id);
                        if (state.isPresent()) {
                            try {
                                Optional<JournalLines.Line> kept = compacted(kind, state.get(), key, cutoff, keysFrom);
                                if (kept.isPresent()) {
                                    lines.add(kept.get().bytes());
                                }
                            } catch (JournalLines.UnreadableLine e) {
                                unreadable.add(JSON.std.asString(state.get()));
                            }
                        }
                    }
                });
                lines.flush();
                out.force(true);
            }
            if (!unreadable.isEmpty()) {
                quarantine(dir, kind, now, unreadable, scan.firstProblem.orElse("lines whose fields do not make a record"));
                lock.lock();
                try {
                    quarantinedLines += unreadable.size();
                } finally {
                    lock.unlock();
                }
            }
            Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
            channel.close();
            channel = appendThrough.apply(FileChannel.open(file, StandardOpenOption.WRITE));
            completeBytes = Files.size(file);
            liveBytes = completeBytes;
            nextCompactionCheck = 0;
            LOG.log(System.Logger.Level.INFO, "journal compacted from " + before + " to " + completeBytes + " bytes");
        } catch (IOException | RuntimeException e) {
            // The old file is intact and still appended to; try again once it has grown by half.
            nextCompactionCheck = before + before / 2;
            LOG.log(System.Logger.Level.WARNING, "journal compaction failed (" + e.getMessage()
                    + "); the journal stays as it is");
            try {
                Files.deleteIfExists(compacted);
            } catch (IOException ignored) {
                // left for the next compaction to overwrite
            }
            reopenAfterFailedCompaction();
        }
    }

    /** The one snapshot a record keeps at compaction; empty when it ended before the retention. */
    private static <R> Optional<JournalLines.Line> compacted(JournalKind<R> kind, Map<String, Object> state,
                                                             Optional<String> key, Instant cutoff, Instant keysFrom)
            throws JournalLines.UnreadableLine, IOException {
        R record = JournalLines.Replay.record(kind, state);
        if (kind.endedBefore(record, cutoff)) {
            return Optional.empty();
        }
        return Optional.of(JournalLines.snapshot(kind.fields(record),
                kind.createdAt(record).isBefore(keysFrom) ? Optional.empty() : key));
    }

    /** Lines gathered into 64 KiB writes. */
    private static final class BufferedLines {
        private final FileChannel out;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

        BufferedLines(FileChannel out) {
            this.out = out;
        }

        void add(byte[] line) throws IOException {
            if (line.length + 1 > buffer.remaining()) {
                flush();
            }
            if (line.length + 1 > buffer.capacity()) {
                writeFully(out, ByteBuffer.wrap(line));
                if (line[line.length - 1] != '\n') {
                    writeFully(out, ByteBuffer.wrap(new byte[] {'\n'}));
                }
                return;
            }
            buffer.put(line);
            if (line.length == 0 || line[line.length - 1] != '\n') {
                buffer.put((byte) '\n');
            }
        }

        void flush() throws IOException {
            buffer.flip();
            writeFully(out, buffer);
            buffer.clear();
        }
    }

    private void reopenAfterFailedCompaction() {
        if (channel.isOpen()) {
            return;
        }
        try {
            channel = appendThrough.apply(FileChannel.open(file, StandardOpenOption.WRITE));
        } catch (IOException e) {
            tailMayBeTorn = true;
            LOG.log(System.Logger.Level.ERROR, "journal " + file + " cannot be reopened: " + e.getMessage());
        }
    }

    /** Writes and forces everything queued (one last attempt if failing), then closes the file. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "journal " + file + " close failed: " + e.getMessage());
        }
    }

    /** Marks calls that were live when the process died as failed with cause {@code service_restart}. */
    public static List<CallRecord> failInterrupted(List<CallRecord> records, Instant now) {
        List<CallRecord> out = new ArrayList<>(records.size());
        for (CallRecord r : records) {
            out.add(r.status().isFinal() ? r : r.withEnd(CallEnding.failed(EndCause.SERVICE_RESTART), now));
        }
        return out;
    }

    // ---- files ----------------------------------------------------------------------------------

    private static void ensurePrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
                if (!DIRECTORY_MODE.containsAll(mode)) {
                    LOG.log(System.Logger.Level.WARNING, "DATA_DIR " + dir + " is "
                            + PosixFilePermissions.toString(mode) + ": others may list it; 0700 is advised");
                }
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing to check
            }
            return;
        }
        Files.createDirectories(dir);
        setMode(dir, DIRECTORY_MODE);
    }

    /** Sets the mode exactly, whatever the umask did at creation. */
    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the platform's defaults apply
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Makes a rename durable; some file systems cannot open a directory, which then is left to them. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
