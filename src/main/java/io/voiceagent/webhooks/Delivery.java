package io.voiceagent.webhooks;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One event on its way to one callback URL: the exact body (signed anew at each attempt, never
 * rebuilt, so that a retry carries the same bytes) and how its delivery went so far.
 *
 * @param id            the event's id, also sent as {@code Voiceagent-Event-Id}: the receiver's key for
 *                      dropping a repeat (delivery is at least once)
 * @param lastStatus    the HTTP status of the last attempt, or {@code timeout} / {@code connect_failed}
 *                      / {@code io_error}; empty before the first attempt
 * @param nextAttemptAt when the next attempt is due; meaningful while {@code PENDING}
 */
public record Delivery(String id, String callId, EventType type, URI url, String body, Instant createdAt,
                       DeliveryState state, int attempts, Optional<String> lastStatus,
                       Optional<Instant> lastAttemptAt, Instant nextAttemptAt) {
    public Delivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastStatus, "lastStatus");
        Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    }

    /** A new event, due at once. */
    static Delivery created(String id, String callId, EventType type, URI url, String body, Instant now) {
        return new Delivery(id, callId, type, url, body, now, DeliveryState.PENDING, 0,
                Optional.empty(), Optional.empty(), now);
    }

    /** Deterministic, so that an event re-created after a crash keeps its id. */
    static String eventId(String callId, EventType type) {
        return "evt_" + callId + "_" + type.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** For an event a call makes once per attempt ({@code call.transfer}): the attempt's number is part of it. */
    static String eventId(String callId, EventType type, int attempt) {
        return eventId(callId, type) + "_" + attempt;
    }

    Delivery attempted(String status, Instant at, DeliveryState next, Instant nextAttempt) {
        return new Delivery(id, callId, type, url, body, createdAt, next, attempts + 1, Optional.of(status),
                Optional.of(at), nextAttempt);
    }

    /**
     * What {@code GET /api/calls/{id}} shows. The URL is shown without its query and user info,
     * which may carry a receiver's token.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", id);
        m.put("type", type.wireName());
        m.put("url", url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath()));
        m.put("state", state.wireName());
        m.put("attempts", attempts);
        m.put("last_status", lastStatus.orElse(null));
        m.put("last_attempt_at", lastAttemptAt.map(Instant::toString).orElse(null));
        m.put("next_attempt_at", state == DeliveryState.PENDING ? nextAttemptAt.toString() : null);
        return m;
    }
}
