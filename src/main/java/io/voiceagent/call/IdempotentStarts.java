package io.voiceagent.call;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code Idempotency-Key}s of recent starts: within {@link #WINDOW} of a start, the same key names
 * the same call, so a client that retries a start it never got an answer to does not dial twice. The
 * keys are saved with each call's first journal line, so they survive a restart. Thread-safe.
 */
final class IdempotentStarts {
    /** How long a key names its call. */
    static final Duration WINDOW = Duration.ofHours(24);

    private record Start(String callId, Instant at) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** In start order, so expired keys are always at the head. */
    private final Map<String, Start> byKey = new LinkedHashMap<>();
    private final Map<String, String> keyByCallId = new java.util.HashMap<>();

    /** The call a key names, if it was used within the window before {@code now}. */
    Optional<String> callId(String key, Instant now) {
        lock.lock();
        try {
            forgetExpired(now);
            return Optional.ofNullable(byKey.get(key)).map(Start::callId);
        } finally {
            lock.unlock();
        }
    }

    void put(String key, String callId, Instant at) {
        lock.lock();
        try {
            byKey.put(key, new Start(callId, at));
            keyByCallId.put(callId, key);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the key of a start that was refused, so that a retry may place the call. */
    void remove(String key) {
        lock.lock();
        try {
            Start removed = byKey.remove(key);
            if (removed != null) {
                keyByCallId.remove(removed.callId());
            }
        } finally {
            lock.unlock();
        }
    }

    /** True while a key still names this call: its record must stay answerable. */
    boolean names(String callId, Instant now) {
        lock.lock();
        try {
            forgetExpired(now);
            return keyByCallId.containsKey(callId);
        } finally {
            lock.unlock();
        }
    }

    private void forgetExpired(Instant now) {
        Instant from = now.minus(WINDOW);
        for (Iterator<Start> it = byKey.values().iterator(); it.hasNext(); ) {
            Start start = it.next();
            if (!start.at().isBefore(from)) {
                return;
            }
            it.remove();
            keyByCallId.remove(start.callId());
        }
    }
}
