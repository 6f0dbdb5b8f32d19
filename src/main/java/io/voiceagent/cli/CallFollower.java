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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows one call by polling {@code GET /api/calls/{id}}, printing each new status and each new
 * transcript line once, with its time since the call was created, until the call ends.
 */
final class CallFollower {
    static final Set<String> FINAL_STATUSES = Set.of("completed", "failed", "busy", "no_answer", "canceled");
    /** How many polls in a row may fail (service restarting, a slow answer) before giving up. */
    private static final int MAX_POLL_FAILURES = 10;

    private final ServiceClient client;
    private final PrintStream out;
    private final Duration interval;
    private final Set<String> shownStages = new HashSet<>();
    private int shownLines;

    CallFollower(ServiceClient client, PrintStream out, Duration interval) {
        this.client = client;
        this.out = out;
        this.interval = interval;
    }

    /** Returns the call's final record. */
    Map<String, Object> follow(Map<String, Object> first) throws CliFailure {
        String id = String.valueOf(first.get("id"));
        Map<String, Object> record = first;
        int failures = 0;
        while (true) {
            show(record);
            if (FINAL_STATUSES.contains(String.valueOf(record.get("status")))) {
                return record;
            }
            pause();
            ServiceClient.Reply reply;
            try {
                reply = client.get("/api/calls/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            } catch (CliFailure e) {
                if (++failures >= MAX_POLL_FAILURES) {
                    throw e;
                }
                continue;
            }
            failures = 0;
            if (reply.status() == 404) {
                throw new CliFailure("call " + id + " is no longer known to the service");
            }
            if (!reply.ok()) {
                throw new CliFailure("cannot read call " + id + ": " + reply.message());
            }
            record = reply.body();
        }
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
            Thread.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }
}
