package io.voiceagent.demo.carrier;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registrar (RFC 3261 §10.3) for the one demo account: Digest-challenges REGISTER, answers
 * 403 after a second wrong password in the same registration (Call-ID), and keeps the binding.
 */
final class Registrar {

    /** Expires granted when the UA asks for none, and the most we grant. */
    static final int MAX_EXPIRES_SECONDS = 3600;
    private static final int MIN_EXPIRES_SECONDS = 60;

    record Binding(String contactUri, Instant expiresAt) {
    }

    private final String username;
    private final DigestAuth digest;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> wrongAttemptsByCallId = new HashMap<>();
    private Binding binding;

    Registrar(String username, DigestAuth digest, Clock clock) {
        this.username = Objects.requireNonNull(username, "username");
        this.digest = Objects.requireNonNull(digest, "digest");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The response to a REGISTER (already known not to be a retransmission). */
    SipMessage register(SipMessage request, String toTag) {
        Optional<String> credentials = request.header("Authorization");
        if (credentials.isEmpty()) {
            return challenge(request, toTag, false);
        }
        lock.lock();
        try {
            switch (digest.verify(credentials.get(), "REGISTER")) {
                case STALE -> {
                    return challenge(request, toTag, true);
                }
                case WRONG -> {
                    int attempts = wrongAttemptsByCallId.merge(request.callId(), 1, Integer::sum);
                    if (attempts >= 2) {
                        wrongAttemptsByCallId.remove(request.callId());
                        return request.response(403, "Forbidden", toTag, List.of(), "");
                    }
                    return challenge(request, toTag, false);
                }
                case OK -> wrongAttemptsByCallId.remove(request.callId());
            }
            String aor = SipMessage.uri(request.header("To").orElse(""));
            if (!username.equals(SipMessage.userOf(aor))) {
                return request.response(403, "Forbidden", toTag, List.of(), "");
            }
            return bind(request, toTag);
        } finally {
            lock.unlock();
        }
    }

    /** The current binding, if registered and not expired. */
    Optional<Binding> binding() {
        lock.lock();
        try {
            return Optional.ofNullable(binding).filter(b -> b.expiresAt().isAfter(clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    private SipMessage bind(SipMessage request, String toTag) {
        Optional<String> contact = request.header("Contact");
        int requested = contact.flatMap(c -> SipMessage.param(c, "expires"))
                .or(() -> request.header("Expires"))
                .map(Registrar::parseSeconds).orElse(MAX_EXPIRES_SECONDS);
        if (contact.isEmpty()) {
            return request.response(200, "OK", toTag, bindingHeaders(), "");
        }
        if (requested == 0 || contact.get().strip().equals("*")) {
            binding = null;
            return request.response(200, "OK", toTag, List.of(new SipMessage.Header("Expires", "0")), "");
        }
        int granted = Math.min(MAX_EXPIRES_SECONDS, Math.max(MIN_EXPIRES_SECONDS, requested));
        binding = new Binding(SipMessage.uri(contact.get()), clock.instant().plusSeconds(granted));
        return request.response(200, "OK", toTag, bindingHeaders(), "");
    }

    private List<SipMessage.Header> bindingHeaders() {
        if (binding == null || !binding.expiresAt().isAfter(clock.instant())) {
            return List.of();
        }
        long remaining = Math.max(0, binding.expiresAt().getEpochSecond() - clock.instant().getEpochSecond());
        return List.of(new SipMessage.Header("Contact", "<" + binding.contactUri() + ">;expires=" + remaining),
                new SipMessage.Header("Expires", Long.toString(remaining)));
    }

    private SipMessage challenge(SipMessage request, String toTag, boolean stale) {
        return request.response(401, "Unauthorized", toTag,
                List.of(new SipMessage.Header("WWW-Authenticate", digest.challenge(stale))), "");
    }

    private static int parseSeconds(String text) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, Long.parseLong(text.strip())));
        } catch (NumberFormatException e) {
            return MAX_EXPIRES_SECONDS;
        }
    }
}
