package io.voiceagent.campaigns;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallException;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallService;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.exolve.ExolveEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A call service whose calls stay live until the test ends them, each as its number says (the demo's
 * last digits: 0001 busy, 0002 no answer, 0004 failed, else answered). Keeps every start with its
 * idempotency key, answering a repeated key with the first call as the real service does.
 */
final class ScriptedCalls implements CallService {
    private final Clock clock;
    final Map<String, CallRecord> records = new LinkedHashMap<>();
    final Map<String, String> callByKey = new LinkedHashMap<>();
    /** Every start that placed a call, with its key, in order. */
    final List<String> placedKeys = new ArrayList<>();
    Optional<CallException.Reason> refuse = Optional.empty();
    private int next = 1;

    ScriptedCalls(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Started start(StartCallRequest request, Optional<String> key) throws CallException {
        if (key.isPresent() && callByKey.containsKey(key.get())) {
            return new Started(records.get(callByKey.get(key.get())), false);
        }
        if (refuse.isPresent()) {
            throw new CallException(refuse.get(), "refused by the test");
        }
        CallRecord r = CallRecord.dialing("call-" + next++, CallMode.SIP, request, clock.instant());
        records.put(r.id(), r);
        key.ifPresent(k -> {
            callByKey.put(k, r.id());
            placedKeys.add(k);
        });
        return new Started(r, true);
    }

    synchronized List<CallRecord> live() {
        return records.values().stream().filter(r -> !r.status().isFinal()).toList();
    }

    synchronized List<String> liveNumbers() {
        return live().stream().map(CallRecord::phoneNumber).toList();
    }

    /** Ends every live call as its number says. */
    synchronized int endAll() {
        return endAll(ScriptedCalls::byNumber);
    }

    synchronized int endAll(Function<String, CallStatus> status) {
        List<CallRecord> live = live();
        for (CallRecord r : live) {
            CallStatus s = status.apply(r.phoneNumber());
            CallRecord answered = s == CallStatus.COMPLETED ? r.withStatus(CallStatus.ANSWERED, clock.instant()) : r;
            EndCause cause = switch (s) {
                case BUSY -> EndCause.BUSY;
                case NO_ANSWER -> EndCause.NO_ANSWER;
                case FAILED -> EndCause.NETWORK;
                default -> EndCause.REMOTE_HANGUP;
            };
            records.put(r.id(), answered.withEnd(new CallEnding(s, cause, EndedBy.REMOTE),
                    clock.instant().plusSeconds(7)));
        }
        return live.size();
    }

    static CallStatus byNumber(String number) {
        return switch (number.substring(number.length() - 4)) {
            case "0001" -> CallStatus.BUSY;
            case "0002" -> CallStatus.NO_ANSWER;
            case "0004" -> CallStatus.FAILED;
            default -> CallStatus.COMPLETED;
        };
    }

    @Override
    public synchronized CallRecord hangup(String callId) throws CallException {
        CallRecord r = records.get(callId);
        if (r == null || r.status().isFinal()) {
            throw new CallException(CallException.Reason.ALREADY_ENDED, "ended");
        }
        CallRecord ended = r.withEnd(new CallEnding(CallStatus.CANCELED, EndCause.LOCAL_HANGUP, EndedBy.US),
                clock.instant());
        records.put(callId, ended);
        return ended;
    }

    @Override
    public CallRecord sendDtmf(String callId, String digits) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CallRecord transfer(String callId, String digits) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized Optional<CallRecord> find(String callId) {
        return Optional.ofNullable(records.get(callId));
    }

    @Override
    public List<CallRecord> list(Optional<CallStatus> status, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public WebhookOutcome onExolveEvent(ExolveEvent event) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Health health() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Map<String, Object>> mediaDebug(String callId) {
        return Optional.empty();
    }

    @Override
    public void drain(Duration timeout) {
    }
}
