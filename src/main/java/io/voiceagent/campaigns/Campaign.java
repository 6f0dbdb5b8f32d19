package io.voiceagent.campaigns;

import io.voiceagent.call.StartCallRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * One campaign's state: its contacts and each one's progress, the queue of contacts waiting for their
 * next attempt, and the live calls. Mutable; every field is guarded by {@code Campaigns.lock}.
 */
final class Campaign {
    /** One contact and how far it got. */
    static final class Contact {
        final int index;
        final int line;
        final StartCallRequest request;
        ContactState state = ContactState.PENDING;
        int attempts;
        Optional<Instant> nextAttemptAt = Optional.empty();
        final List<String> callIds = new ArrayList<>();
        Optional<Outcome> lastOutcome = Optional.empty();
        Optional<String> hangupCause = Optional.empty();
        double durationS;
        int transcriptLines;
        Optional<Instant> endedAt = Optional.empty();
        /**
         * Attempt {@code attempts} was journaled but its call's fate is unknown (the service stopped while
         * it was placed): it is placed again with the same idempotency key, which answers with the call
         * if it was placed, so that attempt is never dialed twice.
         */
        boolean reissue;

        Contact(int index, int line, StartCallRequest request) {
            this.index = index;
            this.line = line;
            this.request = request;
        }

        Instant dueAt() {
            return nextAttemptAt.orElse(Instant.MIN);
        }

        /** The fields of its journal lines that change. */
        Map<String, Object> progress() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", state.wireName());
            m.put("attempts", attempts);
            m.put("next_attempt_at", nextAttemptAt.map(Instant::toString).orElse(null));
            m.put("call_ids", List.copyOf(callIds));
            m.put("last_outcome", lastOutcome.map(Outcome::wireName).orElse(null));
            m.put("hangup_cause", hangupCause.orElse(null));
            m.put("duration_s", durationS);
            m.put("transcript_lines", transcriptLines);
            m.put("ended_at", endedAt.map(Instant::toString).orElse(null));
            return m;
        }

        @SuppressWarnings("unchecked")
        void restore(Map<String, Object> m) {
            state = ContactState.fromWire((String) m.get("state")).orElse(ContactState.PENDING);
            attempts = m.get("attempts") instanceof Number n ? n.intValue() : 0;
            nextAttemptAt = Optional.ofNullable((String) m.get("next_attempt_at")).map(Instant::parse);
            if (m.get("call_ids") instanceof List<?> ids) {
                callIds.addAll((List<String>) ids);
            }
            lastOutcome = Optional.ofNullable((String) m.get("last_outcome")).flatMap(Outcome::fromWire);
            hangupCause = Optional.ofNullable((String) m.get("hangup_cause"));
            durationS = m.get("duration_s") instanceof Number n ? n.doubleValue() : 0;
            transcriptLines = m.get("transcript_lines") instanceof Number n ? n.intValue() : 0;
            endedAt = Optional.ofNullable((String) m.get("ended_at")).map(Instant::parse);
        }

        /** One row of the results. */
        Map<String, Object> result() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", line);
            m.put("phone_number", request.phoneNumber());
            m.put("state", state.wireName());
            m.put("last_outcome", lastOutcome.map(Outcome::wireName).orElse(null));
            m.put("attempts", attempts);
            m.put("call_ids", List.copyOf(callIds));
            m.put("duration_s", durationS);
            m.put("hangup_cause", hangupCause.orElse(null));
            m.put("transcript_lines", transcriptLines);
            m.put("next_attempt_at", nextAttemptAt.map(Instant::toString).orElse(null));
            m.put("dynamic_variables", request.dynamicVariables());
            return m;
        }
    }

    final String id;
    final String name;
    final Instant createdAt;
    final CampaignSettings settings;
    final List<Contact> contacts;
    final int duplicates;
    CampaignStatus status = CampaignStatus.RUNNING;
    Optional<Instant> endedAt = Optional.empty();
    /** Contacts waiting for an attempt, the earliest due first (then in list order). */
    final PriorityQueue<Contact> waiting = new PriorityQueue<>(
            Comparator.comparing(Contact::dueAt).thenComparingInt(c -> c.index));
    /** Contacts with a call being placed or live: index → call id ("" until the start answers). */
    final Map<Integer, String> calling = new LinkedHashMap<>();
    /** The earliest the next call may start (calls_per_second). */
    Instant nextDialAt;
    /**
     * Whether {@code campaign.completed} was handed to the listener, journaled as {@code completion_queued}
     * so that a restart queues it when the process died before.
     */
    boolean announced;

    Campaign(String id, String name, Instant createdAt, CampaignSettings settings, List<Contact> contacts,
             int duplicates) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
        this.settings = settings;
        this.contacts = contacts;
        this.duplicates = duplicates;
        this.nextDialAt = createdAt;
    }

    /** An attempt's key for the call start: the same attempt is never placed twice. */
    String idempotencyKey(Contact c) {
        return id + "/" + c.index + "/" + c.attempts;
    }

    String contactId(Contact c) {
        return id + "/" + c.index;
    }

    /** The campaign's fields of its first journal line. */
    Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("created_at", createdAt.toString());
        m.put("type", CampaignJournal.CAMPAIGN);
        m.put("name", name);
        m.put("settings", settings.toJson());
        m.put("contacts", contacts.size());
        m.put("duplicates", duplicates);
        m.put("status", status.wireName());
        m.put("ended_at", endedAt.map(Instant::toString).orElse(null));
        return m;
    }

    /** A contact's first journal line. */
    Map<String, Object> snapshot(Contact c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", contactId(c));
        m.put("created_at", createdAt.toString());
        m.put("type", CampaignJournal.CONTACT);
        m.put("campaign", id);
        m.put("index", c.index);
        m.put("line", c.line);
        m.put("request", c.request.toJson());
        m.putAll(c.progress());
        return m;
    }

    /** {@code GET /api/campaigns/{id}}: counts per state and outcome, rate and an estimate of the end. */
    Map<String, Object> status(Instant now) {
        EnumMap<ContactState, Integer> states = new EnumMap<>(ContactState.class);
        EnumMap<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (ContactState s : ContactState.values()) {
            states.put(s, 0);
        }
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, 0);
        }
        int attempts = 0;
        for (Contact c : contacts) {
            states.merge(c.state, 1, Integer::sum);
            attempts += c.attempts;
            if (c.state == ContactState.DONE) {
                c.lastOutcome.ifPresent(o -> outcomes.merge(o, 1, Integer::sum));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("status", status.wireName());
        m.put("created_at", createdAt.toString());
        m.put("ended_at", endedAt.map(Instant::toString).orElse(null));
        m.put("contacts", contacts.size());
        m.put("duplicates_merged", duplicates);
        Map<String, Object> byState = new LinkedHashMap<>();
        states.forEach((s, n) -> byState.put(s.wireName(), n));
        m.put("states", byState);
        Map<String, Object> byOutcome = new LinkedHashMap<>();
        outcomes.forEach((o, n) -> byOutcome.put(o.wireName(), n));
        m.put("outcomes", byOutcome);
        m.put("attempts", attempts);
        m.put("live_calls", calling.size());
        dialing(now, m);
        int finished = states.get(ContactState.DONE) + states.get(ContactState.NOT_CALLED);
        Instant until = endedAt.orElse(now);
        double minutes = Duration.between(createdAt, until).toMillis() / 60_000.0;
        double rate = minutes > 0 ? finished / minutes : 0;
        m.put("finished_per_minute", Math.round(rate * 100) / 100.0);
        int left = contacts.size() - finished;
        m.put("estimated_finish_at", status.isFinal() || left == 0 ? endedAt.map(Instant::toString).orElse(null)
                : estimatedFinish(finished, left, now).map(Instant::toString).orElse(null));
        m.put("settings", settings.toJson());
        return m;
    }

    /**
     * When the contacts {@code left} are done if they go at the rate so far: contacts finished per minute
     * the window was open since the creation (time paused counts), applied to the window's coming openings
     * from now on, and never after {@code stop_at}. Empty when nothing has finished yet or it is more than
     * a year of openings away.
     */
    private Optional<Instant> estimatedFinish(int finished, int left, Instant now) {
        CallingWindow window = settings.window();
        long openMillis = window.openBetween(createdAt, now).toMillis();
        if (finished == 0 || openMillis == 0) {
            return Optional.empty();
        }
        Duration needed = Duration.ofMillis((long) Math.ceil((double) openMillis * left / finished));
        return window.afterOpenFor(now, needed)
                .map(at -> settings.stopAt().filter(stop -> stop.isBefore(at))
                        .map(stop -> stop.isBefore(now) ? now : stop).orElse(at))
                .map(at -> at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** Whether it dials now, and if not why and until when. */
    private void dialing(Instant now, Map<String, Object> m) {
        String dialing;
        Instant resumes = null;
        if (status.isFinal()) {
            dialing = "finished";
        } else if (status == CampaignStatus.PAUSED) {
            dialing = "paused";
        } else if (settings.stopAt().filter(stop -> !now.isBefore(stop)).isPresent()) {
            dialing = "stopped";
        } else if (!settings.window().isOpen(now)) {
            dialing = "outside_window";
            resumes = settings.window().nextOpening(now);
        } else {
            dialing = "open";
        }
        m.put("dialing", dialing);
        m.put("resumes_at", resumes == null ? null : resumes.toString());
    }
}
