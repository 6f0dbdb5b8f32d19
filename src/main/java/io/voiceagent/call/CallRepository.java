package io.voiceagent.call;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every call record this service knows, live or ended, for lookups; the journal makes it durable.
 * Each save replaces the record's snapshot and also appends it to the journal.
 */
final class CallRepository {
    private final Map<String, CallRecord> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByExolveCallId = new ConcurrentHashMap<>();
    private final CallJournal journal;

    CallRepository(CallJournal journal, List<CallRecord> restored) {
        this.journal = journal;
        for (CallRecord record : restored) {
            index(record);
        }
    }

    void save(CallRecord record, boolean durable) {
        index(record);
        journal.append(record, durable);
    }

    private void index(CallRecord record) {
        byId.put(record.id(), record);
        record.exolveCallId().ifPresent(exolveId -> idByExolveCallId.put(exolveId, record.id()));
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
