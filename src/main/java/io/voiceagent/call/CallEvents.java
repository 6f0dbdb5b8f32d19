package io.voiceagent.call;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What happens to calls, as a numbered stream of events for the dashboard and the CLI follower
 * ({@code GET /api/events}): a {@code call} event when a call's status or outcome changes, a
 * {@code transcript} event per new (or corrected) line, a {@code media} event per live call per
 * sample. Events are numbered from 1; the last {@code capacity} are kept, so that a client that
 * reconnects with the last number it saw receives what it missed, or learns that it missed too much.
 *
 * <p>Readers pull ({@link #awaitAfter}): no queue per reader, so a slow or vanished reader costs
 * nothing. {@link #onSaved} runs on the thread that saved the record, under the live call's lock;
 * lock order: LiveCall.lock, then this class's lock (never the other way round).
 */
public final class CallEvents implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallEvents.class.getName());
    /** The kinds of event, with their SSE {@code event:} names. */
    public enum Type {
        CALL, TRANSCRIPT, MEDIA;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One event; {@code id} is its place in the stream. */
    public record Event(long id, Type type, Map<String, Object> data) {
        public Event {
            Objects.requireNonNull(type, "type");
            data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

    /**
     * What a reader gets: the events after the id it gave, and whether some it should have had were
     * already dropped from the buffer (then it must reload the calls it shows); {@code newestId} is
     * where its next read starts.
     */
    public record Batch(List<Event> events, boolean missedSome, boolean closed, long newestId) {
        public Batch {
            events = List.copyOf(events);
        }
    }

    /** The default number of events kept for readers that reconnect. */
    public static final int DEFAULT_CAPACITY = 2048;

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final ArrayDeque<Event> buffer = new ArrayDeque<>();
    /** What was last published of each live call, to send only what changed. */
    private final Map<String, Shown> shown = new HashMap<>();
    private long lastId;
    private boolean closed;

    private record Shown(Map<String, Object> summary, List<TranscriptLine> transcript) {
    }

    public CallEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Publishes what changed in {@code record} since its previous save. */
    public void onSaved(CallRecord record) {
        Map<String, Object> summary = summary(record);
        lock.lock();
        try {
            Shown before = shown.getOrDefault(record.id(), new Shown(Map.of(), List.of()));
            // Lines before the status: a reader that stops at the final status has every line by then.
            List<TranscriptLine> lines = record.transcript();
            for (int i = 0; i < lines.size(); i++) {
                if (i >= before.transcript().size() || !lines.get(i).equals(before.transcript().get(i))) {
                    append(Type.TRANSCRIPT, transcriptLine(record.id(), i, lines.get(i)));
                }
            }
            if (!summary.equals(before.summary())) {
                append(Type.CALL, summary);
            }
            if (record.status().isFinal()) {
                shown.remove(record.id());
            } else {
                shown.put(record.id(), new Shown(summary, lines));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes a {@code media} event for each live call with media: cumulative RTP and agent-audio
     * figures, from which a reader derives rates (the dashboard's level meters). Run periodically.
     */
    public void sampleMedia(CallService calls) {
        for (String id : liveCallIds()) {
            try {
                calls.mediaDebug(id).ifPresent(debug -> onMediaSample(id, debug));
            } catch (RuntimeException e) {
                // a call ending while sampled: the next sample skips it; the schedule must go on
                LOG.log(System.Logger.Level.DEBUG, "call=" + id + " media sample failed: " + e);
            }
        }
    }

    private void onMediaSample(String callId, Map<String, Object> debug) {
        Map<String, Object> media = debug.get("media") instanceof Map<?, ?> m ? cast(m) : Map.of();
        Map<String, Object> ai = debug.get("ai") instanceof Map<?, ?> m ? cast(m) : Map.of();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("call_id", callId);
        for (String key : List.of("packets_in", "packets_out", "bytes_in", "bytes_out", "lost", "jitter_ms")) {
            Object value = media.getOrDefault(key, 0);
            data.put(key, value instanceof Double d ? Math.round(d * 100) / 100.0 : value); // jitter to 0.01 ms
        }
        data.put("agent_audio_ms_sent", ai.getOrDefault("audio_ms_sent", 0));
        data.put("agent_audio_ms_received", ai.getOrDefault("audio_ms_received", 0));
        lock.lock();
        try {
            append(Type.MEDIA, data);
        } finally {
            lock.unlock();
        }
    }

    /** The ids of the calls seen live and not yet ended. */
    public List<String> liveCallIds() {
        lock.lock();
        try {
            return List.copyOf(shown.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** The id of the newest event, 0 when none yet: where a reader that wants no replay starts. */
    public long lastId() {
        lock.lock();
        try {
            return lastId;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The events after {@code afterId}, waiting up to {@code timeout} for one when there is none yet;
     * an empty batch when the time passed (or the stream closed) first.
     */
    public Batch awaitAfter(long afterId, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            if (afterId > lastId) {
                // an id from before a restart: everything kept is new to this reader, and it missed some
                return new Batch(List.copyOf(buffer), true, closed, lastId);
            }
            while (lastId <= afterId && !closed && nanos > 0) {
                nanos = published.awaitNanos(nanos);
            }
            if (closed) {
                return new Batch(List.of(), false, true, afterId);
            }
            List<Event> out = new ArrayList<>();
            for (Event e : buffer) {
                if (e.id() > afterId) {
                    out.add(e);
                }
            }
            long oldestKept = buffer.isEmpty() ? lastId + 1 : buffer.peekFirst().id();
            boolean missed = afterId < oldestKept - 1 && afterId < lastId;
            return new Batch(out, missed, false, Math.max(afterId, lastId));
        } finally {
            lock.unlock();
        }
    }

    /** Ends every reader's wait; later reads return a closed batch at once. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void append(Type type, Map<String, Object> data) {
        buffer.addLast(new Event(++lastId, type, data));
        while (buffer.size() > capacity) {
            buffer.removeFirst();
        }
        published.signalAll();
    }

    /** The record as the API shows it, less what has its own events (transcript) or changes by itself. */
    private static Map<String, Object> summary(CallRecord record) {
        Map<String, Object> json = new LinkedHashMap<>(record.toJson(record.endedAt().orElse(record.createdAt())));
        json.remove("transcript");
        json.remove("events");
        if (!record.status().isFinal()) {
            json.remove("duration_s");
            json.remove("media");
        }
        json.put("transcript_lines", record.transcript().size());
        return json;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Map<String, Object> transcriptLine(String callId, int index, TranscriptLine line) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("call_id", callId);
        data.put("index", index);
        data.put("role", line.role());
        data.put("text", line.text());
        data.put("at", line.at().toString());
        return data;
    }
}
