package io.voiceagent.api;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import io.voiceagent.ai.AgentReachability;
import io.voiceagent.call.CallException;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallException.Reason;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallService;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.call.TranscriptLine;
import io.voiceagent.exolve.ExolveEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory CallService that keeps records the way the contract describes: the API is tested
 * against it, so its rules follow {@link CallService}'s documentation, not the HTTP layer.
 */
final class FakeCallService implements CallService {
    private final Clock clock;
    private final int maxConcurrentCalls;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, CallRecord> records = new LinkedHashMap<>();
    private final Set<Map<String, Object>> seenEvents = new HashSet<>();
    final List<ExolveEvent> receivedEvents = new CopyOnWriteArrayList<>();
    final List<StartCallRequest> startRequests = new CopyOnWriteArrayList<>();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private boolean ready = true;
    private String unreadyReason = "";
    private String registration = "registered";
    private Reason unreadyAs = Reason.UNAVAILABLE;
    private volatile Optional<String> addressWarning = Optional.empty();
    private volatile AgentReachability agent = AgentReachability.UNKNOWN;
    private int nextId = 1;
    private final Map<String, String> callIdByKey = new LinkedHashMap<>();
    private CallJournal.Status journal = new CallJournal.Status(CallJournal.State.OK, Optional.empty(), 0, 0);

    FakeCallService(Clock clock, int maxConcurrentCalls) {
        this.clock = clock;
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    @Override
    public Started start(StartCallRequest request, Optional<String> idempotencyKey) throws CallException {
        throwIfFailing();
        lock.lock();
        try {
            if (idempotencyKey.isPresent() && callIdByKey.containsKey(idempotencyKey.get())) {
                CallRecord earlier = records.get(callIdByKey.get(idempotencyKey.get()));
                if (!earlier.request().equals(request)) {
                    throw new CallException(Reason.IDEMPOTENCY_KEY_REUSED, "key used with another body");
                }
                return new Started(earlier, false);
            }
            if (journal.state() == CallJournal.State.FAILING) {
                throw new CallException(Reason.STORAGE_UNAVAILABLE, "the call journal cannot be written");
            }
            if (!ready) {
                throw new CallException(unreadyAs, "calls cannot be placed: " + unreadyReason);
            }
            if (activeCalls() >= maxConcurrentCalls) {
                throw new CallException(Reason.TOO_MANY_CALLS, maxConcurrentCalls + " calls are live already");
            }
            startRequests.add(request);
            CallRecord record = CallRecord.dialing("call-" + nextId++, CallMode.SIP, request, clock.instant());
            records.put(record.id(), record);
            idempotencyKey.ifPresent(key -> callIdByKey.put(key, record.id()));
            return new Started(record, true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CallRecord hangup(String callId) throws CallException {
        lock.lock();
        try {
            CallRecord record = live(callId);
            CallStatus end = record.status() == CallStatus.ANSWERED ? CallStatus.COMPLETED : CallStatus.CANCELED;
            return replace(record.withEnd(new CallEnding(end, EndCause.LOCAL_HANGUP, EndedBy.US), clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CallRecord transfer(String callId, String digits) throws CallException {
        lock.lock();
        try {
            CallRecord record = live(callId);
            if (record.status() != CallStatus.ANSWERED) {
                throw new CallException(Reason.INVALID_STATE, "cannot transfer: the call is not answered");
            }
            transfers.add(callId + " " + digits);
            return record;
        } finally {
            lock.unlock();
        }
    }

    /** The transfers asked for, as "id digits". */
    final List<String> transfers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CallRecord sendDtmf(String callId, String digits) throws CallException {
        lock.lock();
        try {
            CallRecord record = live(callId);
            if (record.status() != CallStatus.ANSWERED) {
                throw new CallException(Reason.INVALID_STATE, "call " + callId + " is not answered yet");
            }
            return replace(record.withDtmf(digits));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<CallRecord> find(String callId) {
        throwIfFailing();
        lock.lock();
        try {
            return Optional.ofNullable(records.get(callId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<CallRecord> list(Optional<CallStatus> status, int limit) {
        lock.lock();
        try {
            List<CallRecord> newestFirst = new ArrayList<>(records.values()).reversed();
            return newestFirst.stream()
                    .filter(r -> status.isEmpty() || r.status() == status.get())
                    .limit(limit)
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public WebhookOutcome onExolveEvent(ExolveEvent event) {
        throwIfFailing();
        receivedEvents.add(event);
        lock.lock();
        try {
            Optional<CallRecord> call = records.values().stream()
                    .filter(r -> r.exolveCallId().equals(event.callId()))
                    .findFirst();
            if (call.isEmpty()) {
                return WebhookOutcome.UNKNOWN_CALL;
            }
            if (!seenEvents.add(event.fields())) {
                return WebhookOutcome.DUPLICATE;
            }
            CallRecord record = call.get().withEvent(event.fields());
            if (event instanceof ExolveEvent.Answered) {
                record = record.withStatus(CallStatus.ANSWERED, clock.instant());
            }
            replace(record);
            return WebhookOutcome.APPLIED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Health health() {
        lock.lock();
        try {
            boolean journalOk = journal.state() == CallJournal.State.OK;
            return new Health(ready && journalOk, ready ? "registered" : registration, activeCalls(), 42,
                    !ready ? Optional.of(unreadyReason)
                            : journalOk ? Optional.empty() : Optional.of("the call journal cannot be written"),
                    addressWarning, journal, agent);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Map<String, Object>> mediaDebug(String callId) {
        return find(callId).filter(r -> !r.status().isFinal())
                .map(r -> Map.of("call_id", r.id(), "rtp_packets_in", 100, "ai_events", Map.of("audio", 7)));
    }

    @Override
    public void drain(Duration timeout) {
        notReady("shutting down");
    }

    // Test controls: move a call along as the carrier would.

    CallRecord answer(String callId) {
        return update(callId, r -> r.withStatus(CallStatus.ANSWERED, clock.instant()));
    }

    CallRecord update(String callId, java.util.function.UnaryOperator<CallRecord> change) {
        lock.lock();
        try {
            return replace(change.apply(records.get(callId)));
        } finally {
            lock.unlock();
        }
    }

    CallRecord say(String callId, String role, String text) {
        return update(callId, r -> r.withTranscriptLine(new TranscriptLine(role, text, clock.instant())));
    }

    /** What the SIP side says about the address it advertises, as {@code UdpSipUserAgent.addressWarning()}. */
    void advertiseUnreachableAddress(String warning) {
        addressWarning = Optional.of(warning);
    }

    /** What the agent client found when it last opened a conversation. */
    void agentFound(AgentReachability reachability) {
        agent = reachability;
    }

    void notReady(String reason) {
        lock.lock();
        try {
            ready = false;
            unreadyReason = reason;
            registration = "failed";
            unreadyAs = Reason.UNAVAILABLE;
        } finally {
            lock.unlock();
        }
    }

    /** As the call manager is while SIP registration is in {@code state} (registering, failed). */
    void notRegistered(String state, String reason) {
        lock.lock();
        try {
            ready = false;
            unreadyReason = reason;
            registration = state;
            unreadyAs = Reason.NOT_REGISTERED;
        } finally {
            lock.unlock();
        }
    }

    private void throwIfFailing() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    private CallRecord live(String callId) throws CallException {
        CallRecord record = records.get(callId);
        if (record == null) {
            throw new CallException(Reason.NOT_FOUND, "no call " + callId);
        }
        if (record.status().isFinal()) {
            throw new CallException(Reason.ALREADY_ENDED, "call " + callId + " has already ended");
        }
        return record;
    }

    private CallRecord replace(CallRecord record) {
        records.put(record.id(), record);
        return record;
    }

    private int activeCalls() {
        return (int) records.values().stream().filter(r -> !r.status().isFinal()).count();
    }

    /** Makes the journal report {@code status}, as a full disk would. */
    void journalStatus(CallJournal.Status status) {
        lock.lock();
        try {
            journal = status;
        } finally {
            lock.unlock();
        }
    }
}
