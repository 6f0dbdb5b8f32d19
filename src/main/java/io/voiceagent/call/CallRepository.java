package io.voiceagent.call;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The call records this service serves: every live call and the most recent ended ones; the journal
 * keeps them all on disk. A call's first record is written whole and forced before the call is placed
 * ({@link #saveFirst}); every later save appends only what changed since the record it replaces.
 * Ended calls beyond {@code maxEnded} leave memory oldest first, so a service that runs for months
 * does not grow without bound; a call still named by an idempotency key stays until the key expires.
 *
 * <p>Lock: {@code order} makes "replace the record, queue its change" one step, so the journal's
 * deltas are in the same order as the records they were computed from. It is taken inside a live
 * call's lock and takes the journal's queue lock inside it.
 */
final class CallRepository {
    private static final System.Logger LOG = System.getLogger(CallRepository.class.getName());

    private final Map<String, CallRecord> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByExolveCallId = new ConcurrentHashMap<>();
    private final CallJournal journal;
    private final IdempotentStarts keys = new IdempotentStarts();
    private final Clock clock;
    private final int maxEnded;
    private final ReentrantLock order = new ReentrantLock();
    private final Set<String> ended = new LinkedHashSet<>();
    private final List<Consumer<CallRecord>> onSaved = new java.util.concurrent.CopyOnWriteArrayList<>();

    CallRepository(CallJournal journal, List<CallRecord> restored, int maxEnded, Clock clock) {
        this.journal = journal;
        this.maxEnded = maxEnded;
        this.clock = clock;
        Map<String, String> restoredKeys = journal.restoredIdempotencyKeys();
        for (CallRecord record : restored) {
            Optional.ofNullable(restoredKeys.get(record.id()))
                    .ifPresent(key -> keys.put(key, record.id(), record.createdAt()));
            index(record);
        }
    }

    /**
     * Writes a call's first record (with the key it was started with) and waits until it is forced
     * to disk. Returns false, having written nothing, when the journal cannot take it: the call must
     * then not be placed.
     */
    boolean saveFirst(CallRecord record, Optional<String> idempotencyKey) {
        JournalLines.Line line;
        try {
            line = JournalLines.snapshot(record, idempotencyKey);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "call=" + record.id() + " record could not be serialised: " + e);
            return false;
        }
        long seq = journal.append(line, true);
        if (seq < 0 || !journal.awaitDurable(seq)) {
            return false;
        }
        order.lock();
        try {
            index(record);
        } finally {
            order.unlock();
        }
        onSaved.forEach(listener -> listener.accept(record));
        return true;
    }

    /** Replaces the record and queues what changed; {@code durable} asks for it to be forced soon. */
    void save(CallRecord record, boolean durable) {
        order.lock();
        try {
            CallRecord before = byId.get(record.id());
            index(record);
            Optional<JournalLines.Line> line = before == null
                    ? Optional.of(JournalLines.snapshot(record, Optional.empty()))
                    : JournalLines.delta(before, record);
            line.ifPresent(l -> journal.append(l, durable));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "call=" + record.id() + " change could not be serialised: " + e);
        } finally {
            order.unlock();
        }
        onSaved.forEach(listener -> listener.accept(record));
    }

    /** The journal's state: a failing journal refuses new calls. */
    CallJournal.Status journalStatus() {
        return journal.status();
    }

    /** The call an idempotency key names, if it was used within the last 24 hours. */
    Optional<String> callIdForKey(String key) {
        return keys.callId(key, clock.instant());
    }

    void reserveKey(String key, String callId, Instant at) {
        keys.put(key, callId, at);
    }

    void releaseKey(String key) {
        keys.remove(key);
    }

    /** Tells {@code listener} (besides those added before) of every record saved from now on, on the saving thread. */
    void onSaved(Consumer<CallRecord> listener) {
        onSaved.add(Objects.requireNonNull(listener, "listener"));
    }

    private void index(CallRecord record) {
        byId.put(record.id(), record);
        record.exolveCallId().ifPresent(exolveId -> idByExolveCallId.put(exolveId, record.id()));
        if (record.status().isFinal()) {
            retireOldEnded(record.id());
        }
    }

    /** Under {@code order}. */
    private void retireOldEnded(String id) {
        ended.add(id);
        Instant now = clock.instant();
        Iterator<String> oldest = ended.iterator();
        while (ended.size() > maxEnded && oldest.hasNext()) {
            String candidate = oldest.next();
            if (keys.names(candidate, now)) {
                continue;
            }
            oldest.remove();
            CallRecord retired = byId.remove(candidate);
            if (retired != null) {
                retired.exolveCallId().ifPresent(idByExolveCallId::remove);
            }
        }
    }

    Optional<CallRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<CallRecord> findByExolveCallId(String exolveCallId) {
        return Optional.ofNullable(idByExolveCallId.get(exolveCallId)).flatMap(this::find);
    }

    List<CallRecord> list(Optional<CallStatus> status, int limit) {
        return byId.values().stream()
                .filter(r -> status.map(s -> r.status() == s).orElse(true))
                .sorted(Comparator.comparing(CallRecord::createdAt).reversed().thenComparing(CallRecord::id))
                .limit(limit)
                .toList();
    }

    List<CallRecord> all() {
        return List.copyOf(byId.values());
    }
}
