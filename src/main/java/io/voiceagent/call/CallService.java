package io.voiceagent.call;

import io.voiceagent.ai.AgentReachability;
import io.voiceagent.exolve.ExolveEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the outside world (the HTTP API, the CLI through it, shutdown) may do with calls.
 * Implementations are thread-safe.
 */
public interface CallService {

    /**
     * Places a call and returns its first record (status {@code dialing}); or, when
     * {@code idempotencyKey} already named a start within 24 hours, that call's record without dialing
     * again. The same key with a different request is refused ({@code IDEMPOTENCY_KEY_REUSED}).
     */
    Started start(StartCallRequest request, Optional<String> idempotencyKey) throws CallException;

    /** @param placed false when an idempotency key named an earlier start and nothing was dialed */
    record Started(CallRecord record, boolean placed) {
    }

    /** Hangs up a live call: CANCEL before answer, BYE after. */
    CallRecord hangup(String callId) throws CallException;

    /** Sends DTMF digits (0-9, *, #, A-D) to the phone as RFC 4733 events on an answered call. */
    CallRecord sendDtmf(String callId, String digits) throws CallException;

    /**
     * Hands an answered call to a person at {@code digits} (E.164 digits) as TRANSFER_MODE says; returns
     * at once with the record, whose {@code transfer} follows the attempt.
     */
    CallRecord transfer(String callId, String digits) throws CallException;

    Optional<CallRecord> find(String callId);

    /** Newest first, optionally only one status, at most {@code limit}. */
    List<CallRecord> list(Optional<CallStatus> status, int limit);

    /** Applies an Exolve webhook event to the call it names, or to the transfer's person leg it names. */
    WebhookOutcome onExolveEvent(ExolveEvent event);

    Health health();

    /** Live media figures of a call for {@code /debug/calls/{id}/media}; empty when not live. */
    Optional<Map<String, Object>> mediaDebug(String callId);

    /** Stop taking calls (health turns 503) and hang up every live call; returns when all have ended. */
    void drain(java.time.Duration timeout);

    enum WebhookOutcome { APPLIED, DUPLICATE, UNKNOWN_CALL }

    /**
     * @param ready           false when calls cannot be placed (then {@code reason} says why)
     * @param sipRegistration e.g. {@code registered}, {@code failed}, {@code not_used}
     * @param addressWarning  why the carrier cannot reach the address we advertise, when that is so
     * @param journal         whether the call journal is writable, its last error, lines set aside at start
     * @param agent           whether the last conversation (a call's or the AI check's) could be opened
     */
    record Health(boolean ready, String sipRegistration, int activeCalls, long uptimeSeconds,
                  Optional<String> reason, Optional<String> addressWarning, CallJournal.Status journal,
                  AgentReachability agent) {
    }
}
