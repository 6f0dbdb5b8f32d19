package io.voiceagent.call;

import io.voiceagent.media.MediaStats;
import io.voiceagent.transfer.TransferSummary;
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
 * @param ending   how the call ended (final status, cause, who), once it has; the API and the journal
 *                 write it as {@code status}, {@code hangup_cause} and {@code hangup_by}
 * @param sipCode  the final SIP status code of a failed INVITE, 0 when none
 * @param events   provider events (Exolve webhooks), oldest first, bounded
 * @param holds    the times the far end held the call, oldest first
 * @param transfer the latest transfer to a person, when one was tried
 */
public record CallRecord(
        String id, String phoneNumber, CallMode mode, CallStatus status,
        Instant createdAt, Optional<Instant> ringingAt, Optional<Instant> answeredAt, Optional<Instant> endedAt,
        Optional<CallEnding> ending, int sipCode, Optional<String> sipReason,
        Optional<String> sipCallId, Optional<String> exolveCallId, Optional<String> conversationId,
        List<TranscriptLine> transcript, String dtmf, MediaStats media,
        StartCallRequest request, List<Map<String, Object>> events, List<HoldPeriod> holds,
        Optional<TransferSummary> transfer) {

    public static final int MAX_EVENTS = 50;

    public CallRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(ending, "ending");
        if (ending.isPresent() && ending.get().status() != status) {
            throw new IllegalArgumentException("status " + status.wireName() + " but ending " + ending.get());
        }
        transcript = List.copyOf(transcript);
        events = List.copyOf(events);
        holds = List.copyOf(holds);
        Objects.requireNonNull(transfer, "transfer");
    }

    public static CallRecord dialing(String id, CallMode mode, StartCallRequest request, Instant now) {
        return new CallRecord(id, request.phoneNumber(), mode, CallStatus.DIALING, now,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), "", MediaStats.NONE, request, List.of(), List.of(), Optional.empty());
    }

    /** Talk time: from answer to end (or to {@code now} while live); zero if never answered. */
    public Duration duration(Instant now) {
        return answeredAt.map(a -> Duration.between(a, endedAt.orElse(now))).orElse(Duration.ZERO);
    }

    public CallRecord withStatus(CallStatus next, Instant at) {
        return edit(d -> {
            d.status = next;
            if (next == CallStatus.RINGING && d.ringingAt.isEmpty()) {
                d.ringingAt = Optional.of(at);
            }
            if (next == CallStatus.ANSWERED && d.answeredAt.isEmpty()) {
                d.answeredAt = Optional.of(at);
            }
            if (next.isFinal() && d.endedAt.isEmpty()) {
                d.endedAt = Optional.of(at);
            }
        });
    }

    /** The call ended at {@code at}: its status becomes the ending's. */
    public CallRecord withEnd(CallEnding how, Instant at) {
        return edit(d -> {
            d.status = how.status();
            d.ending = Optional.of(how);
            if (d.endedAt.isEmpty()) {
                d.endedAt = Optional.of(at);
            }
        });
    }

    public CallRecord withSipFailure(int code, String reason) {
        return edit(d -> {
            d.sipCode = code;
            d.sipReason = Optional.ofNullable(reason);
        });
    }

    public CallRecord withSipCallId(String callId) {
        return edit(d -> d.sipCallId = Optional.of(callId));
    }

    public CallRecord withExolveCallId(String callId) {
        return edit(d -> d.exolveCallId = Optional.of(callId));
    }

    public CallRecord withConversationId(String conversation) {
        return edit(d -> d.conversationId = Optional.of(conversation));
    }

    public CallRecord withTranscriptLine(TranscriptLine line) {
        return edit(d -> d.transcript.add(line));
    }

    /** An agent_response_correction: the agent was cut off, so its last line is what was really said. */
    public CallRecord withLastAgentLineCorrected(String text) {
        for (int i = transcript.size() - 1; i >= 0; i--) {
            TranscriptLine line = transcript.get(i);
            if (line.role().equals("agent")) {
                int index = i;
                return edit(d -> d.transcript.set(index, new TranscriptLine("agent", text, line.at())));
            }
        }
        return this;
    }

    public CallRecord withDtmf(String digits) {
        return edit(d -> d.dtmf += digits);
    }

    /** The far end put the call on hold at {@code at}; nothing changes while a hold is open. */
    public CallRecord withHoldStarted(Instant at) {
        if (!holds.isEmpty() && holds.get(holds.size() - 1).end().isEmpty()) {
            return this;
        }
        return edit(d -> d.holds.add(new HoldPeriod(at, Optional.empty())));
    }

    /** The far end resumed the call (or it ended) at {@code at}: closes the open hold, if any. */
    public CallRecord withHoldEnded(Instant at) {
        if (holds.isEmpty() || holds.get(holds.size() - 1).end().isPresent()) {
            return this;
        }
        HoldPeriod open = holds.get(holds.size() - 1);
        return edit(d -> d.holds.set(d.holds.size() - 1, new HoldPeriod(open.start(), Optional.of(at))));
    }

    public CallRecord withTransfer(TransferSummary latest) {
        return edit(d -> d.transfer = Optional.of(latest));
    }

    public CallRecord withMedia(MediaStats stats) {
        return edit(d -> d.media = stats);
    }

    /** Keeps {@code event} (nulls dropped), the oldest leaving past {@link #MAX_EVENTS}. */
    public CallRecord withEvent(Map<String, Object> event) {
        Map<String, Object> kept = java.util.Collections.unmodifiableMap(nonNullMap(event));
        return edit(d -> {
            d.events.add(kept);
            while (d.events.size() > MAX_EVENTS) {
                d.events.remove(0);
            }
        });
    }

    /** {@link #withEvent}, or empty when this very event is already kept: providers resend webhooks. */
    public Optional<CallRecord> withNewEvent(Map<String, Object> event) {
        return events.contains(nonNullMap(event)) ? Optional.empty() : Optional.of(withEvent(event));
    }

    private CallRecord edit(java.util.function.Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The fields that change during a call, copied so that each {@code withX} names only its own. */
    private static final class Draft {
        private final CallRecord from;
        CallStatus status;
        Optional<Instant> ringingAt;
        Optional<Instant> answeredAt;
        Optional<Instant> endedAt;
        Optional<CallEnding> ending;
        int sipCode;
        Optional<String> sipReason;
        Optional<String> sipCallId;
        Optional<String> exolveCallId;
        Optional<String> conversationId;
        final List<TranscriptLine> transcript;
        String dtmf;
        MediaStats media;
        final List<Map<String, Object>> events;
        final List<HoldPeriod> holds;
        Optional<TransferSummary> transfer;

        Draft(CallRecord r) {
            from = r;
            status = r.status;
            ringingAt = r.ringingAt;
            answeredAt = r.answeredAt;
            endedAt = r.endedAt;
            ending = r.ending;
            sipCode = r.sipCode;
            sipReason = r.sipReason;
            sipCallId = r.sipCallId;
            exolveCallId = r.exolveCallId;
            conversationId = r.conversationId;
            transcript = new ArrayList<>(r.transcript);
            dtmf = r.dtmf;
            media = r.media;
            events = new ArrayList<>(r.events);
            holds = new ArrayList<>(r.holds);
            transfer = r.transfer;
        }

        CallRecord build() {
            return new CallRecord(from.id, from.phoneNumber, from.mode, status, from.createdAt, ringingAt,
                    answeredAt, endedAt, ending, sipCode, sipReason, sipCallId, exolveCallId,
                    conversationId, transcript, dtmf, media, from.request, events, holds, transfer);
        }
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
        m.put("hangup_cause", ending.map(e -> e.cause().wireName()).orElse(null));
        m.put("hangup_by", ending.map(e -> e.by().wireName()).orElse(null));
        m.put("sip_code", sipCode == 0 ? null : sipCode);
        m.put("sip_reason", sipReason.orElse(null));
        m.put("sip_call_id", sipCallId.orElse(null));
        m.put("exolve_call_id", exolveCallId.orElse(null));
        m.put("conversation_id", conversationId.orElse(null));
        // Whether an agent conversation was opened (and may be billed), answered or not.
        m.put("conversation_opened", conversationId.isPresent());
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
        MediaStats.Rejected rejected = media.rejected();
        stats.put("rtp_rejected", Map.of("foreign_source", rejected.foreignSource(), "learning", rejected.learning(),
                "malformed", rejected.malformed()));
        MediaStats.FarEndReport far = media.farEnd();
        stats.put("rtcp_round_trip_ms", finiteOrNull(far.roundTripMs()));
        stats.put("far_end_fraction_lost", finiteOrNull(far.fractionLost()));
        stats.put("far_end_lost", far.lost());
        stats.put("far_end_jitter_ms", finiteOrNull(far.jitterMs()));
        m.put("media", stats);
        List<Map<String, Object>> holdList = new ArrayList<>();
        for (HoldPeriod hold : holds) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("start", hold.start().toString());
            h.put("end", hold.end().map(Instant::toString).orElse(null));
            holdList.add(h);
        }
        m.put("holds", holdList);
        m.put("transfer", transfer.map(TransferSummary::toJson).orElse(null));
        Map<String, Object> req = new LinkedHashMap<>();
        request.firstMessage().ifPresent(v -> req.put("first_message", v));
        request.prompt().ifPresent(v -> req.put("prompt", v));
        request.language().ifPresent(v -> req.put("language", v));
        request.callbackUrl().ifPresent(v -> req.put("callback_url", v.toString()));
        request.record().ifPresent(v -> req.put("record", v));
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
                nonNullMap(m.get("metadata")),
                Optional.ofNullable((String) req.get("callback_url")).map(java.net.URI::create),
                req.get("record") instanceof Boolean b ? Optional.of(b) : Optional.empty());
        List<TranscriptLine> lines = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("transcript", List.of())) {
            Map<String, Object> line = (Map<String, Object>) o;
            lines.add(new TranscriptLine((String) line.get("role"), (String) line.get("text"),
                    Instant.parse((String) line.get("at"))));
        }
        Map<String, Object> s = (Map<String, Object>) m.getOrDefault("media", Map.of());
        Map<String, Object> rejected = (Map<String, Object>) s.getOrDefault("rtp_rejected", Map.of());
        MediaStats media = new MediaStats(num(s, "rtp_packets_in"), num(s, "rtp_packets_out"),
                num(s, "rtp_bytes_in"), num(s, "rtp_bytes_out"), num(s, "rtp_lost"),
                s.get("jitter_ms") instanceof Number n ? n.doubleValue() : 0,
                num(s, "ai_audio_sent_ms"), num(s, "ai_audio_received_ms"),
                new MediaStats.Rejected(num(rejected, "foreign_source"), num(rejected, "learning"),
                        num(rejected, "malformed")),
                new MediaStats.FarEndReport(decimal(s, "rtcp_round_trip_ms"), decimal(s, "far_end_fraction_lost"),
                        num(s, "far_end_lost"), decimal(s, "far_end_jitter_ms")));
        List<HoldPeriod> holds = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("holds", List.of())) {
            Map<String, Object> h = (Map<String, Object>) o;
            holds.add(new HoldPeriod(Instant.parse((String) h.get("start")), instant(h, "end")));
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("events", List.of())) {
            events.add(nonNullMap(o));
        }
        CallStatus status = CallStatus.fromWire((String) m.get("status")).orElse(CallStatus.FAILED);
        // A cause or a party this version does not know (an older or newer journal) reads as unknown.
        Optional<CallEnding> ending = status.isFinal()
                ? Optional.of(new CallEnding(status, EndCause.fromWire(text(m, "hangup_cause").orElse(null)),
                        EndedBy.fromWire(text(m, "hangup_by").orElse(null))))
                : Optional.empty();
        return new CallRecord(
                (String) m.get("id"), (String) m.get("phone_number"),
                CallMode.fromWire((String) m.get("mode")), status,
                Instant.parse((String) m.get("created_at")),
                instant(m, "ringing_at"), instant(m, "answered_at"), instant(m, "ended_at"), ending,
                (int) num(m, "sip_code"), text(m, "sip_reason"),
                text(m, "sip_call_id"), text(m, "exolve_call_id"), text(m, "conversation_id"),
                lines, m.get("dtmf") instanceof String d ? d : "", media, request, events, holds,
                TransferSummary.fromJson(m.get("transfer")));
    }

    private static double decimal(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
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
