package io.voiceagent.transfer;

import io.voiceagent.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A call's latest transfer attempt as its record shows it ({@code transfer}).
 *
 * @param attempt       which of the call's transfer attempts this is, from 1 (a REFER that fell back to
 *                      a bridge is still the same attempt); {@code call.transfer} webhooks are made per attempt
 * @param target        the person's number, E.164 digits
 * @param mode          how it is made: {@code refer}, or {@code bridge} (also when a REFER failed)
 * @param requestedBy   {@code tool} (the agent's transfer_call), {@code system_tool} (transfer_to_number) or {@code api}
 * @param answeredAt    when the person answered (bridge) or the far end reported success (REFER)
 * @param reason        why it failed, for a failed outcome
 * @param referFailure  with TRANSFER_MODE=refer, why the REFER did not hand the call over (then bridged)
 * @param agentSeconds  the agent's part of the call, from the answer to the transfer's answer (or the end); once ended
 * @param personSeconds the person's part, from their answer to the end, once ended; never after a REFER
 */
public record TransferSummary(int attempt, String target, Config.TransferMode mode, String requestedBy, Instant startedAt,
                              Optional<Instant> answeredAt, TransferOutcome outcome, Optional<String> reason,
                              Optional<String> referFailure, Optional<Double> agentSeconds,
                              Optional<Double> personSeconds) {

    public TransferSummary {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: expected 1 or more, got " + attempt);
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(answeredAt, "answeredAt");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(referFailure, "referFailure");
        Objects.requireNonNull(agentSeconds, "agentSeconds");
        Objects.requireNonNull(personSeconds, "personSeconds");
    }

    static TransferSummary ringing(int attempt, String target, Config.TransferMode mode, String requestedBy,
                                   Instant at) {
        return new TransferSummary(attempt, target, mode, requestedBy, at, Optional.empty(), TransferOutcome.RINGING,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The REFER failed for {@code why}: the attempt goes on as a bridge. */
    TransferSummary referFailed(String why) {
        return new TransferSummary(attempt, target, Config.TransferMode.BRIDGE, requestedBy, startedAt, answeredAt, outcome,
                reason, Optional.of(why), agentSeconds, personSeconds);
    }

    TransferSummary answered(TransferOutcome how, Instant at) {
        return new TransferSummary(attempt, target, mode, requestedBy, startedAt, Optional.of(at), how, Optional.empty(),
                referFailure, agentSeconds, personSeconds);
    }

    TransferSummary failed(TransferOutcome how, String why) {
        return new TransferSummary(attempt, target, mode, requestedBy, startedAt, answeredAt, how, Optional.of(why),
                referFailure, agentSeconds, personSeconds);
    }

    /** The call ended at {@code end}; it had been answered at {@code callAnswered}. */
    TransferSummary ended(Instant callAnswered, Instant end) {
        Instant handedOver = answeredAt.orElse(end);
        // After a REFER the person talks on the far end's side: how long is not ours to know.
        Optional<Double> person = outcome == TransferOutcome.REFERRED ? Optional.empty()
                : answeredAt.map(a -> seconds(a, end));
        return new TransferSummary(attempt, target, mode, requestedBy, startedAt, answeredAt, outcome, reason, referFailure,
                Optional.of(seconds(callAnswered, handedOver)), person);
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis()) / 1000.0;
    }

    /** The record's {@code transfer} object: snake_case names, ISO-8601 times, nulls for what is not known. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        m.put("target", target);
        m.put("mode", mode.wireName());
        m.put("requested_by", requestedBy);
        m.put("started_at", startedAt.toString());
        m.put("answered_at", answeredAt.map(Instant::toString).orElse(null));
        m.put("outcome", outcome.wireName());
        m.put("reason", reason.orElse(null));
        m.put("refer_failure", referFailure.orElse(null));
        m.put("agent_seconds", agentSeconds.orElse(null));
        m.put("person_seconds", personSeconds.orElse(null));
        return m;
    }

    /** Reads back {@link #toJson}; empty for anything else (a journal line from a later version, say). */
    public static Optional<TransferSummary> fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m) || !(m.get("target") instanceof String target)
                || !(m.get("started_at") instanceof String started)) {
            return Optional.empty();
        }
        Optional<Config.TransferMode> mode = Arrays.stream(Config.TransferMode.values())
                .filter(t -> t.wireName().equals(m.get("mode"))).findFirst();
        Optional<TransferOutcome> outcome = m.get("outcome") instanceof String o ? TransferOutcome.fromWire(o)
                : Optional.empty();
        if (mode.isEmpty() || outcome.isEmpty()) {
            return Optional.empty();
        }
        // Lines written before attempts were numbered count as the first.
        int attempt = m.get("attempt") instanceof Number n && n.intValue() >= 1 ? n.intValue() : 1;
        return Optional.of(new TransferSummary(attempt, target, mode.get(),
                m.get("requested_by") instanceof String by ? by : "api", Instant.parse(started),
                m.get("answered_at") instanceof String a ? Optional.of(Instant.parse(a)) : Optional.empty(),
                outcome.get(), m.get("reason") instanceof String r ? Optional.of(r) : Optional.empty(),
                m.get("refer_failure") instanceof String f ? Optional.of(f) : Optional.empty(),
                m.get("agent_seconds") instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty(),
                m.get("person_seconds") instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty()));
    }
}
