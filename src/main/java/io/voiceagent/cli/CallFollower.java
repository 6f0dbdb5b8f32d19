package io.voiceagent.cli;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

/**
 * Follows one call through the service's event stream ({@code GET /api/events}), printing each new
 * status and each new transcript line once, with its time since the call was created, until the
 * call ends. The record is read once the stream is open (so nothing falls between the two), and
 * again when the service says events were missed; a dropped stream is resumed with
 * {@code Last-Event-ID}.
 */
final class CallFollower {
    static final Set<String> FINAL_STATUSES = Set.of("completed", "failed", "busy", "no_answer", "canceled", "voicemail");
    /** How many times in a row the stream may fail (service restarting) before giving up. */
    private static final int MAX_STREAM_FAILURES = 10;

    private final ServiceClient client;
    private final PrintStream out;
    private final Duration reconnectDelay;
    private final Set<String> shownStages = new HashSet<>();
    private int shownLines;
    private Map<String, Object> record;
    private Optional<String> lastEventId = Optional.empty();
    private CliFailure failure;
    private boolean fatal;
    private int failuresInARow;

    CallFollower(ServiceClient client, PrintStream out, Duration reconnectDelay) {
        this.client = client;
        this.out = out;
        this.reconnectDelay = reconnectDelay;
    }

    /** Returns the call's final record. */
    Map<String, Object> follow(Map<String, Object> first) throws CliFailure {
        String id = String.valueOf(first.get("id"));
        record = new LinkedHashMap<>(first);
        show(record);
        while (!ended()) {
            failure = null;
            try {
                client.events(lastEventId, () -> {
                    if (lastEventId.isEmpty()) {
                        reload(id);
                    }
                }, event -> apply(id, event));
            } catch (CliFailure e) {
                failure = e;
            }
            if (failure != null && (fatal || ++failuresInARow >= MAX_STREAM_FAILURES)) {
                throw failure;
            }
            if (!ended()) {
                pause();
            }
        }
        return record;
    }

    /** Applies one event; false once the call has ended (or reading the record failed). */
    @SuppressWarnings("unchecked")
    private boolean apply(String id, ServerSentEvent event) {
        if (fatal) {
            return false;
        }
        failuresInARow = 0;
        event.id().ifPresent(eventId -> lastEventId = Optional.of(eventId));
        if (event.type().equals("reset")) {
            reload(id);
            return failure == null && !ended();
        }
        Map<String, Object> data;
        try {
            data = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(event.data());
        } catch (java.io.IOException e) {
            return true; // not ours to judge: skip what cannot be read
        }
        switch (event.type()) {
            case "call" -> {
                if (id.equals(data.get("id"))) {
                    Object transcript = record.get("transcript");
                    record.putAll(data);
                    record.put("transcript", transcript);
                }
            }
            case "transcript" -> {
                if (id.equals(data.get("call_id")) && data.get("index") instanceof Number index) {
                    List<Object> lines = new ArrayList<>(record.get("transcript") instanceof List<?> l
                            ? (List<Object>) l : List.of());
                    while (lines.size() <= index.intValue()) {
                        lines.add(null);
                    }
                    lines.set(index.intValue(), Map.of("role", data.get("role"), "text", data.get("text"),
                            "at", data.get("at")));
                    record.put("transcript", lines);
                }
            }
            default -> {
                return true;
            }
        }
        show(record);
        return !ended();
    }

    /** Reads the whole record again; a failure is kept for {@link #follow} to act on. */
    private void reload(String id) {
        try {
            ServiceClient.Reply reply = client.get("/api/calls/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            if (!reply.ok()) {
                fatal = true;
                failure = new CliFailure(reply.status() == 404 ? "call " + id + " is no longer known to the service"
                        : "cannot read call " + id + ": " + reply.message());
                return;
            }
            record = new LinkedHashMap<>(reply.body());
            show(record);
        } catch (CliFailure e) {
            failure = e;
        }
    }

    private boolean ended() {
        return FINAL_STATUSES.contains(String.valueOf(record.get("status")));
    }

    /** Prints what is new in {@code record}: a status change and transcript lines, in time order. */
    private void show(Map<String, Object> record) {
        Instant created = instant(record.get("created_at"));
        String status = String.valueOf(record.get("status"));
        List<?> transcript = record.get("transcript") instanceof List<?> l ? l : List.of();
        List<Shown> news = new ArrayList<>();
        for (; shownLines < transcript.size(); shownLines++) {
            if (transcript.get(shownLines) instanceof Map<?, ?> l) {
                news.add(new Shown(instant(l.get("at")), l.get("role") + ": " + l.get("text"), false));
            }
        }
        // A stage passed between two polls still shows, from its timestamp on the record.
        for (String stage : List.of("ringing", "answered")) {
            if (stageTime(record, stage) != null && shownStages.add(stage)) {
                news.add(new Shown(stageTime(record, stage), stage, false));
            }
        }
        if (shownStages.add(status)) {
            boolean ended = FINAL_STATUSES.contains(status);
            news.add(new Shown(stageTime(record, status),
                    ended ? status + ": " + CallsTable.outcome(record) : status, ended));
        }
        // The end always comes last; otherwise by time, lines without a time where they were found.
        news.sort(Comparator.comparing(Shown::last)
                .thenComparing(Shown::at, Comparator.nullsLast(Comparator.naturalOrder())));
        news.forEach(shown -> line(created, shown.at(), shown.text()));
    }

    private record Shown(Instant at, String text, boolean last) {
    }

    private void line(Instant created, Instant at, String text) {
        String offset = created == null || at == null ? ""
                : String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(created, at).toMillis() / 1000.0);
        out.printf("%9s  %s%n", offset, text);
        out.flush();
    }

    private static Instant stageTime(Map<String, Object> record, String status) {
        return instant(record.get(switch (status) {
            case "dialing" -> "created_at";
            case "ringing" -> "ringing_at";
            case "answered" -> "answered_at";
            default -> "ended_at";
        }));
    }

    static Instant instant(Object value) {
        if (value instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private void pause() throws CliFailure {
        try {
            Thread.sleep(reconnectDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }
}
