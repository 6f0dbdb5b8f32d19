package io.voiceagent.call;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal's two kinds of line, one JSON object each, and how they fold back into records.
 *
 * <ul>
 *   <li>A <b>snapshot</b> is the whole record as the API shows it (without the derived {@code duration_s}),
 *       plus, on a call's first line, the {@code idempotency_key} it was started with. A later snapshot of
 *       the same id replaces everything before it.</li>
 *   <li>A <b>delta</b> is {@code {"delta": id, "set": {field: value, ...}, "add": {"transcript": [...],
 *       "events": [...]}}}: the fields that changed, and the lines appended to the two lists that grow.
 *       A call whose metadata is 60 KB is written once, not once per state change.</li>
 * </ul>
 *
 * Journals written before deltas existed hold snapshots only, which read the same way.
 */
final class JournalLines {
    static final String DELTA = "delta";
    static final String IDEMPOTENCY_KEY = "idempotency_key";
    private static final List<String> GROWING_LISTS = List.of("transcript", "events");
    private static final JSON SNAPSHOT_WRITER = JSON.std;
    /** Deltas must say when a field became null; snapshots leave nulls out. */
    private static final JSON DELTA_WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
    private static final JSON READER = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING);

    private JournalLines() {
    }

    /** The record's fields as the journal keeps them. */
    static Map<String, Object> fields(CallRecord record) {
        // Duration is derived from the stored timestamps when read back, so it is not kept.
        Map<String, Object> fields = record.toJson(record.createdAt());
        fields.remove("duration_s");
        return fields;
    }

    /**
     * One line for the journal. {@code live} is true when its bytes stay in a compacted journal (a
     * snapshot, or a delta that appends to the transcript or events) and false when compaction folds
     * it away (a delta that only sets fields): the journal estimates its live size from it.
     */
    record Line(byte[] bytes, boolean live) {
    }

    static Line snapshot(CallRecord record, Optional<String> idempotencyKey) throws IOException {
        return snapshot(fields(record), idempotencyKey);
    }

    /** A snapshot of any journal's record: its fields ({@code "id"} first), nulls left out. */
    static Line snapshot(Map<String, Object> recordFields, Optional<String> idempotencyKey) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>(recordFields);
        idempotencyKey.ifPresent(key -> fields.put(IDEMPOTENCY_KEY, key));
        return new Line(line(SNAPSHOT_WRITER.asString(fields)), true);
    }

    /** What changed from {@code before} to {@code after}, or empty when nothing did. */
    static Optional<Line> delta(CallRecord before, CallRecord after) throws IOException {
        Map<String, Object> old = fields(before);
        Map<String, Object> now = fields(after);
        Map<String, Object> set = new LinkedHashMap<>();
        Map<String, Object> add = new LinkedHashMap<>();
        now.forEach((name, value) -> {
            Object was = old.get(name);
            if (java.util.Objects.equals(was, value)) {
                return;
            }
            if (GROWING_LISTS.contains(name) && was instanceof List<?> wasList && value instanceof List<?> list
                    && list.size() > wasList.size() && list.subList(0, wasList.size()).equals(wasList)) {
                add.put(name, list.subList(wasList.size(), list.size()));
            } else {
                set.put(name, value);
            }
        });
        if (set.isEmpty() && add.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(delta(after.id(), set, add));
    }

    /** A delta of any journal's record: the fields set (a null clears one) and the items added to lists. */
    static Line delta(String id, Map<String, Object> set, Map<String, Object> add) throws IOException {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put(DELTA, id);
        if (!set.isEmpty()) {
            delta.put("set", set);
        }
        if (!add.isEmpty()) {
            delta.put("add", add);
        }
        return new Line(line(DELTA_WRITER.asString(delta)), !add.isEmpty());
    }

    /**
     * One delta with the effect of {@code deltas} (changes to one call, oldest first) applied in turn, as
     * {@link Replay} applies them: a later {@code set} replaces what came before it, {@code add}s append.
     */
    @SuppressWarnings("unchecked")
    static Line merge(List<Line> deltas) throws IOException {
        String id = null;
        Map<String, Object> set = new LinkedHashMap<>();
        Map<String, List<Object>> add = new LinkedHashMap<>();
        for (Line delta : deltas) {
            Map<String, Object> fields;
            try {
                fields = parse(new String(delta.bytes(), StandardCharsets.UTF_8));
            } catch (UnreadableLine e) {
                throw new IOException("a queued change is not a delta: " + e.getMessage());
            }
            if (!(fields.get(DELTA) instanceof String deltaId) || id != null && !id.equals(deltaId)) {
                throw new IOException("merge takes changes to one call only");
            }
            id = deltaId;
            if (fields.get("set") instanceof Map<?, ?> changed) {
                ((Map<String, Object>) changed).forEach((name, value) -> {
                    set.put(name, value);
                    add.remove(name);
                });
            }
            if (fields.get("add") instanceof Map<?, ?> appended) {
                ((Map<String, Object>) appended).forEach((name, value) -> {
                    List<?> lines = value instanceof List<?> l ? l : List.of();
                    if (set.get(name) instanceof List<?> replaced) {
                        List<Object> joined = new ArrayList<>(replaced);
                        joined.addAll(lines);
                        set.put(name, joined);
                    } else {
                        add.computeIfAbsent(name, n -> new ArrayList<>()).addAll(lines);
                    }
                });
            }
        }
        if (id == null) {
            throw new IOException("nothing to merge");
        }
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put(DELTA, id);
        if (!set.isEmpty()) {
            delta.put("set", set);
        }
        if (!add.isEmpty()) {
            delta.put("add", add);
        }
        return new Line(line(DELTA_WRITER.asString(delta)), !add.isEmpty());
    }

    /** Who a line is about, and whether it is a delta (else a snapshot). */
    record Head(String callId, boolean delta) {
    }

    /** A line's head found by parsing it: for lines that do not start the way the journal writes them. */
    static Head head(String line) throws UnreadableLine {
        Map<String, Object> fields = parse(line);
        if (fields.get(DELTA) instanceof String id) {
            return new Head(id, true);
        }
        if (fields.get("id") instanceof String id && fields.get("created_at") instanceof String) {
            return new Head(id, false);
        }
        throw new UnreadableLine("neither a call record nor a change to one");
    }

    private static Map<String, Object> parse(String line) throws UnreadableLine {
        try {
            return READER.mapFrom(line);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableLine("not JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] line(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A line that is not JSON, or JSON that is neither a snapshot nor a delta of a known call. */
    static final class UnreadableLine extends Exception {
        UnreadableLine(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Folds lines, oldest first, into the latest state of each call. Calls keep the order in which
     * they first appeared, which is the order they were started.
     */
    static final class Replay {
        private final Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        private final Map<String, String> keyById = new LinkedHashMap<>();

        @SuppressWarnings("unchecked")
        void apply(String line) throws UnreadableLine {
            Map<String, Object> fields = parse(line);
            if (fields.get(DELTA) instanceof String id) {
                Map<String, Object> state = byId.get(id);
                if (state == null) {
                    throw new UnreadableLine("a change to call " + id + ", whose record is missing");
                }
                if (fields.get("set") instanceof Map<?, ?> set) {
                    state.putAll((Map<String, Object>) set);
                }
                if (fields.get("add") instanceof Map<?, ?> add) {
                    for (Map.Entry<?, ?> e : add.entrySet()) {
                        if (e.getValue() instanceof List<?> added) {
                            List<Object> list = state.get(e.getKey()) instanceof List<?> l
                                    ? new ArrayList<>(l) : new ArrayList<>();
                            list.addAll(added);
                            state.put((String) e.getKey(), list);
                        }
                    }
                }
                return;
            }
            if (!(fields.get("id") instanceof String id) || !(fields.get("created_at") instanceof String)) {
                throw new UnreadableLine("neither a call record nor a change to one");
            }
            Object key = fields.remove(IDEMPOTENCY_KEY);
            if (key instanceof String k) {
                keyById.put(id, k);
            }
            byId.put(id, fields);
        }

        /** Removes one call's folded state, for compaction, which writes calls one at a time. */
        Optional<Map<String, Object>> take(String id) {
            return Optional.ofNullable(byId.remove(id));
        }

        /** Every call's latest fields by id, in the order the calls were started. */
        Map<String, Map<String, Object>> states() {
            return byId;
        }

        Optional<String> idempotencyKey(String id) {
            return Optional.ofNullable(keyById.get(id));
        }

        void forgetKey(String id) {
            keyById.remove(id);
        }

        /** The record of one folded state; throws when its fields do not make a record. */
        static <R> R record(JournalKind<R> kind, Map<String, Object> state) throws UnreadableLine {
            try {
                return kind.record(state);
            } catch (RuntimeException e) {
                throw new UnreadableLine("fields do not make a record of " + kind.fileName() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /** True when an ended call ended before {@code cutoff}: retention drops it at compaction. */
    static boolean endedBefore(CallRecord record, Instant cutoff) {
        return record.status().isFinal() && record.endedAt().orElse(record.createdAt()).isBefore(cutoff);
    }
}
