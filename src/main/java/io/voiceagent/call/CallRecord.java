package io.voiceagent.call;

import io.voiceagent.media.MediaStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about one call, as an immutable snapshot. The live call replaces its snapshot
 * on every change; the journal and the API read snapshots only.
 *
 * @param hangupBy who ended the call: {@code us} (API or shutdown), {@code remote}, {@code agent}
 *                 or {@code system} (timeouts, failures)
 * @param sipCode  the final SIP status code of a failed INVITE, 0 when none
 * @param events   provider events (Exolve webhooks), oldest first, bounded
 */
public record CallRecord(
        String id, String phoneNumber, CallMode mode, CallStatus status,
        Instant createdAt, Optional<Instant> ringingAt, Optional<Instant> answeredAt, Optional<Instant> endedAt,
        Optional<String> hangupCause, Optional<String> hangupBy, int sipCode, Optional<String> sipReason,
        Optional<String> sipCallId, Optional<String> exolveCallId, Optional<String> conversationId,
        List<TranscriptLine> transcript, String dtmf, MediaStats media,
        StartCallRequest request, List<Map<String, Object>> events) {

    public static final int MAX_EVENTS = 50;

    public CallRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        transcript = List.copyOf(transcript);
        events = List.copyOf(events);
    }

    public static CallRecord dialing(String id, CallMode mode, StartCallRequest request, Instant now) {
        return new CallRecord(id, request.phoneNumber(), mode, CallStatus.DIALING, now,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), "", MediaStats.NONE, request, List.of());
    }

    /** Talk time: from answer to end (or to {@code now} while live); zero if never answered. */
    public Duration duration(Instant now) {
        return answeredAt.map(a -> Duration.between(a, endedAt.orElse(now))).orElse(Duration.ZERO);
    }

    public CallRecord withStatus(CallStatus next, Instant at) {
        Optional<Instant> ringing = next == CallStatus.RINGING && ringingAt.isEmpty() ? Optional.of(at) : ringingAt;
        Optional<Instant> answered = next == CallStatus.ANSWERED && answeredAt.isEmpty() ? Optional.of(at) : answeredAt;
        Optional<Instant> ended = next.isFinal() && endedAt.isEmpty() ? Optional.of(at) : endedAt;
        return new CallRecord(id, phoneNumber, mode, next, createdAt, ringing, answered, ended, hangupCause,
                hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId, transcript, dtmf, media,
                request, events);
    }

    public CallRecord withEnd(CallStatus finalStatus, String cause, String by, Instant at) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                Optional.of(cause), Optional.of(by), sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                transcript, dtmf, media, request, events).withStatus(finalStatus, at);
    }

    public CallRecord withSipFailure(int code, String reason) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, code, Optional.ofNullable(reason), sipCallId, exolveCallId, conversationId,
                transcript, dtmf, media, request, events);
    }

    public CallRecord withSipCallId(String callId) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, Optional.of(callId), exolveCallId, conversationId,
                transcript, dtmf, media, request, events);
    }

    public CallRecord withExolveCallId(String callId) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, Optional.of(callId), conversationId,
                transcript, dtmf, media, request, events);
    }

    public CallRecord withConversationId(String conversation) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, Optional.of(conversation),
                transcript, dtmf, media, request, events);
    }

    public CallRecord withTranscriptLine(TranscriptLine line) {
        List<TranscriptLine> lines = new ArrayList<>(transcript);
        lines.add(line);
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                lines, dtmf, media, request, events);
    }

    /** An agent_response_correction: the agent was cut off, so its last line is what was really said. */
    public CallRecord withLastAgentLineCorrected(String text) {
        List<TranscriptLine> lines = new ArrayList<>(transcript);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).role().equals("agent")) {
                lines.set(i, new TranscriptLine("agent", text, lines.get(i).at()));
                return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                        hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                        lines, dtmf, media, request, events);
            }
        }
        return this;
    }

    public CallRecord withDtmf(String digits) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                transcript, dtmf + digits, media, request, events);
    }

    public CallRecord withMedia(MediaStats stats) {
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                transcript, dtmf, stats, request, events);
    }

    public CallRecord withEvent(Map<String, Object> event) {
        List<Map<String, Object>> next = new ArrayList<>(events);
        next.add(java.util.Collections.unmodifiableMap(nonNullMap(event)));
        while (next.size() > MAX_EVENTS) {
            next.remove(0);
        }
        return new CallRecord(id, phoneNumber, mode, status, createdAt, ringingAt, answeredAt, endedAt,
                hangupCause, hangupBy, sipCode, sipReason, sipCallId, exolveCallId, conversationId,
                transcript, dtmf, media, request, next);
    }

    /** The record as the API and the journal show it: snake_case names, ISO-8601 times. */
    public Map<String, Object> toJson(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("phone_number", phoneNumber);
        m.put("mode", mode.wireName());
        m.put("status", status.wireName());
        m.put("created_at", createdAt.toString());
        m.put("ringing_at", ringingAt.map(Instant::toString).orElse(null));
        m.put("answered_at", answeredAt.map(Instant::toString).orElse(null));
        m.put("ended_at", endedAt.map(Instant::toString).orElse(null));
        m.put("duration_s", duration(now).toMillis() / 1000.0);
        m.put("hangup_cause", hangupCause.orElse(null));
        m.put("hangup_by", hangupBy.orElse(null));
        m.put("sip_code", sipCode == 0 ? null : sipCode);
        m.put("sip_reason", sipReason.orElse(null));
        m.put("sip_call_id", sipCallId.orElse(null));
        m.put("exolve_call_id", exolveCallId.orElse(null));
        m.put("conversation_id", conversationId.orElse(null));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (TranscriptLine line : transcript) {
            lines.add(Map.of("role", line.role(), "text", line.text(), "at", line.at().toString()));
        }
        m.put("transcript", lines);
        m.put("dtmf", dtmf);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("rtp_packets_in", media.packetsIn());
        stats.put("rtp_packets_out", media.packetsOut());
        stats.put("rtp_bytes_in", media.bytesIn());
        stats.put("rtp_bytes_out", media.bytesOut());
        stats.put("rtp_lost", media.lost());
        stats.put("jitter_ms", media.jitterMs());
        stats.put("ai_audio_sent_ms", media.aiAudioSentMs());
        stats.put("ai_audio_received_ms", media.aiAudioReceivedMs());
        m.put("media", stats);
        Map<String, Object> req = new LinkedHashMap<>();
        request.firstMessage().ifPresent(v -> req.put("first_message", v));
        request.prompt().ifPresent(v -> req.put("prompt", v));
        request.language().ifPresent(v -> req.put("language", v));
        req.put("dynamic_variables", request.dynamicVariables());
        m.put("request", req);
        m.put("metadata", request.metadata());
        m.put("events", events);
        return m;
    }

    /** Reads back what {@link #toJson} wrote (the journal's replay). */
    @SuppressWarnings("unchecked")
    public static CallRecord fromJson(Map<String, Object> m) {
        Map<String, Object> req = (Map<String, Object>) m.getOrDefault("request", Map.of());
        StartCallRequest request = new StartCallRequest(
                (String) m.get("phone_number"),
                Optional.ofNullable((String) req.get("first_message")),
                Optional.ofNullable((String) req.get("prompt")),
                Optional.ofNullable((String) req.get("language")),
                nonNullMap(req.get("dynamic_variables")),
                nonNullMap(m.get("metadata")));
        List<TranscriptLine> lines = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("transcript", List.of())) {
            Map<String, Object> line = (Map<String, Object>) o;
            lines.add(new TranscriptLine((String) line.get("role"), (String) line.get("text"),
                    Instant.parse((String) line.get("at"))));
        }
        Map<String, Object> s = (Map<String, Object>) m.getOrDefault("media", Map.of());
        MediaStats media = new MediaStats(num(s, "rtp_packets_in"), num(s, "rtp_packets_out"),
                num(s, "rtp_bytes_in"), num(s, "rtp_bytes_out"), num(s, "rtp_lost"),
                s.get("jitter_ms") instanceof Number n ? n.doubleValue() : 0,
                num(s, "ai_audio_sent_ms"), num(s, "ai_audio_received_ms"));
        List<Map<String, Object>> events = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("events", List.of())) {
            events.add(nonNullMap(o));
        }
        return new CallRecord(
                (String) m.get("id"), (String) m.get("phone_number"),
                CallMode.fromWire((String) m.get("mode")),
                CallStatus.fromWire((String) m.get("status")).orElse(CallStatus.FAILED),
                Instant.parse((String) m.get("created_at")),
                instant(m, "ringing_at"), instant(m, "answered_at"), instant(m, "ended_at"),
                text(m, "hangup_cause"), text(m, "hangup_by"),
                (int) num(m, "sip_code"), text(m, "sip_reason"),
                text(m, "sip_call_id"), text(m, "exolve_call_id"), text(m, "conversation_id"),
                lines, m.get("dtmf") instanceof String d ? d : "", media, request, events);
    }

    private static Optional<Instant> instant(Map<String, Object> m, String key) {
        return text(m, key).map(Instant::parse);
    }

    private static Optional<String> text(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static long num(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** Copies a JSON object, dropping nulls so that {@link Map#copyOf} accepts it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> nonNullMap(Object o) {
        if (!(o instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<String, Object>) map).forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
