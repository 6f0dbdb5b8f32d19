package io.voiceagent.campaigns;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How often, and how long after, a contact is tried again for each outcome that may be retried
 * ({@link #RETRYABLE}). The default: busy and no answer twice more, 30 minutes apart; failed and
 * voicemail never.
 */
public record RetryPolicy(Map<Outcome, Rule> rules) {
    public static final java.util.Set<Outcome> RETRYABLE =
            java.util.EnumSet.of(Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED, Outcome.VOICEMAIL);
    public static final int MAX_RETRIES = 10;
    public static final Duration MAX_DELAY = Duration.ofDays(7);
    public static final RetryPolicy DEFAULT = new RetryPolicy(Map.of(
            Outcome.BUSY, new Rule(2, Duration.ofMinutes(30)),
            Outcome.NO_ANSWER, new Rule(2, Duration.ofMinutes(30)),
            Outcome.FAILED, new Rule(0, Duration.ofMinutes(30)),
            Outcome.VOICEMAIL, new Rule(0, Duration.ofMinutes(30))));

    /** @param retries attempts after the first, 0 to {@link #MAX_RETRIES}; {@code delay} up to {@link #MAX_DELAY} */
    public record Rule(int retries, Duration delay) {
        public Rule {
            Objects.requireNonNull(delay, "delay");
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new IllegalArgumentException("retries: expected 0 to " + MAX_RETRIES);
            }
            if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
                throw new IllegalArgumentException("delay_s: expected 0 to " + MAX_DELAY.toSeconds());
            }
        }
    }

    public RetryPolicy {
        EnumMap<Outcome, Rule> all = new EnumMap<>(Outcome.class);
        for (Outcome o : RETRYABLE) {
            all.put(o, Objects.requireNonNullElse(rules.get(o), new Rule(0, Duration.ZERO)));
        }
        rules = Map.copyOf(all);
    }

    /** This policy with one outcome's rule replaced. */
    public RetryPolicy with(Outcome outcome, Rule rule) {
        if (!RETRYABLE.contains(outcome)) {
            throw new IllegalArgumentException(outcome.wireName() + " is never retried");
        }
        Map<Outcome, Rule> next = new EnumMap<>(rules);
        next.put(outcome, rule);
        return new RetryPolicy(next);
    }

    /** The wait before the next attempt after {@code attemptsMade} attempts, the last ending as {@code outcome}. */
    Optional<Duration> retryAfter(Outcome outcome, int attemptsMade) {
        Rule rule = rules.get(outcome);
        return rule != null && attemptsMade - 1 < rule.retries() ? Optional.of(rule.delay()) : Optional.empty();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Outcome o : RETRYABLE) {
            Rule r = rules.get(o);
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("retries", r.retries());
            rule.put("delay_s", r.delay().toSeconds());
            m.put(o.wireName(), rule);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static RetryPolicy fromJson(Map<String, Object> m) {
        Map<Outcome, Rule> rules = new EnumMap<>(Outcome.class);
        m.forEach((name, value) -> {
            Map<String, Object> r = (Map<String, Object>) value;
            rules.put(Outcome.fromWire(name).orElseThrow(), new Rule(((Number) r.get("retries")).intValue(),
                    Duration.ofSeconds(((Number) r.get("delay_s")).longValue())));
        });
        return new RetryPolicy(rules);
    }
}
