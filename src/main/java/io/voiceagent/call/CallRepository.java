package io.voiceagent.call;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.Objects;

/**
 * The call records this service serves: every live call and the most recent ended ones; the journal
 * keeps them all on disk. Each save replaces the record's snapshot and appends it to the journal.
 * Ended calls beyond {@code maxEnded} leave memory oldest first, so a service that runs for months
 * does not grow without bound.
 */
final class CallRepository {
    private final Map<String, CallRecord> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByExolveCallId = new ConcurrentHashMap<>();
    private final CallJournal journal;
    private final int maxEnded;
    private final ReentrantLock endedLock = new ReentrantLock();
    private final Set<String> ended = new LinkedHashSet<>();
    private final List<Consumer<CallRecord>> onSaved = new java.util.concurrent.CopyOnWriteArrayList<>();

    CallRepository(CallJournal journal, List<CallRecord> restored, int maxEnded) {
        this.journal = journal;
        this.maxEnded = maxEnded;
        for (CallRecord record : restored) {
            index(record);
        }
    }

    void save(CallRecord record, boolean durable) {
        index(record);
        journal.append(record, durable);
        onSaved.forEach(listener -> listener.accept(record));
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

    private void retireOldEnded(String id) {
        endedLock.lock();
        try {
            ended.add(id);
            while (ended.size() > maxEnded) {
                java.util.Iterator<String> oldest = ended.iterator();
                CallRecord retired = byId.remove(oldest.next());
                oldest.remove();
                if (retired != null) {
                    retired.exolveCallId().ifPresent(idByExolveCallId::remove);
                }
            }
        } finally {
            endedLock.unlock();
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
