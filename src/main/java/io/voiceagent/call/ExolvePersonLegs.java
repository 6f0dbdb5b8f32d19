package io.voiceagent.call;

import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.media.MediaSession;
import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SdpEndpoint;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.sip.SipCallListener;
import io.voiceagent.transfer.PersonDialer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exolve HTTP mode's person legs (transfers to a person), placed as the service places a call: MakeCall
 * ({@code ExolveApi.makeCall}, so EXOLVE_CALL_METHOD applies) to the person, whose audio leg then
 * arrives as an inbound INVITE that {@code CallManager.onInvite} matches to the pending leg
 * ({@link #awaited}) like a call's. Exolve's webhook events for the leg's call id come here
 * ({@link #byExolveCallId}): an end before the INVITE (busy, no answer, a failure, by its Q.850
 * {@code cause_code}) fails the attempt, an end after it is the person hanging up. Whatever happens,
 * the transfer sees the leg's events as {@link SipCallEvent}s, as for a leg placed by INVITE.
 *
 * <p>Threads: MakeCall and Exolve hang-ups run on short virtual threads, INVITEs on the SIP executor,
 * webhook events on the HTTP server's threads, hang-ups on the transfer's. Each leg's lock guards its
 * state only; nothing is called under it.
 */
final class ExolvePersonLegs implements PersonDialer {
    private static final System.Logger LOG = System.getLogger(ExolvePersonLegs.class.getName());

    private final ExolveApi api;
    private final Clock clock;
    /** Legs whose INVITE has not arrived yet. */
    private final Set<Leg> awaiting = ConcurrentHashMap.newKeySet();
    /** Every leg with an Exolve call id, until its call ends, so that late webhooks still find it. */
    private final Map<String, Leg> byExolveId = new ConcurrentHashMap<>();

    ExolvePersonLegs(ExolveApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    @Override
    public Dialed dial(String callId, String target, MediaSession media, SipCallListener listener) {
        Leg leg = new Leg(callId, target, media, listener, clock.instant());
        awaiting.add(leg);
        Thread.ofVirtual().name("exolve-makecall-" + callId + "-transfer").start(leg::place);
        return leg::hangUp;
    }

    /** The legs still waiting for their INVITE. */
    List<AwaitedLeg> awaited() {
        return awaiting.stream().map(Leg::awaited).toList();
    }

    /** The person leg that Exolve's call id names, if a live call's transfer placed it. */
    Optional<Leg> byExolveCallId(String exolveCallId) {
        return Optional.ofNullable(byExolveId.get(exolveCallId));
    }

    /** The call has ended (its transfer hung its legs up): late webhooks for them are no longer its. */
    void forget(String callId) {
        byExolveId.values().removeIf(leg -> leg.callId.equals(callId));
    }

    private enum State { AWAITING_INVITE, ACCEPTED, HUNG_UP, ENDED_AT_EXOLVE }

    /** One person leg: MakeCall, then its INVITE, then its dialog. */
    final class Leg {
        private final String callId;
        private final String target;
        private final MediaSession media;
        private final SipCallListener listener;
        private final Instant placedAt;
        private final ReentrantLock lock = new ReentrantLock();
        private State state = State.AWAITING_INVITE;
        private String exolveCallId;
        private SipCall dialog;

        private Leg(String callId, String target, MediaSession media, SipCallListener listener, Instant placedAt) {
            this.callId = callId;
            this.target = target;
            this.media = media;
            this.listener = listener;
            this.placedAt = placedAt;
        }

        String callId() {
            return callId;
        }

        private AwaitedLeg awaited() {
            return new AwaitedLeg(callId, "person", target, placedAt, media, this::accept);
        }

        /** On its own virtual thread. */
        private void place() {
            String id;
            try {
                id = api.makeCall(target);
            } catch (ExolveException e) {
                log(System.Logger.Level.WARNING, "MakeCall to " + target + " failed: " + e.getMessage());
                endBeforeInvite(causeOf(e), "MakeCall: " + e.getMessage());
                return;
            }
            byExolveId.put(id, this);
            boolean hungUpMeanwhile;
            lock.lock();
            try {
                exolveCallId = id;
                hungUpMeanwhile = state == State.HUNG_UP;
            } finally {
                lock.unlock();
            }
            log(System.Logger.Level.INFO, "stage=transfer_make_call exolve_call_id=" + id);
            if (hungUpMeanwhile) {
                // The hang-up had no id to cancel yet; its call may be gone too, so the id is not kept.
                byExolveId.remove(id);
                hangUpAtExolve(id);
            }
        }

        /** On the SIP executor: the INVITE {@code CallManager} matched to this leg. */
        private Optional<InboundCallHandler.Acceptance> accept(InboundCallHandler.InboundInvite invite,
                                                               SdpEndpoint ours, long sessionId) {
            Optional<SessionDescription> answer = invite.offer().answerWith(ours.address(), ours.port(), sessionId);
            if (answer.isEmpty()) {
                log(System.Logger.Level.WARNING, "the person leg's INVITE offers no codec we speak");
                return Optional.empty();
            }
            lock.lock();
            try {
                if (state != State.AWAITING_INVITE) {
                    return Optional.empty(); // given up meanwhile: rejected, and hung up at Exolve
                }
                state = State.ACCEPTED;
                dialog = invite.call();
            } finally {
                lock.unlock();
            }
            awaiting.remove(this);
            // The dialog's events (its ACK as Answered, BYE, re-INVITEs) go to the transfer as a dialled leg's.
            return Optional.of(new InboundCallHandler.Acceptance(callId, answer.get(), listener));
        }

        /** An Exolve webhook event with this leg's call id (already recorded on the call, once). */
        void onEvent(ExolveEvent event) {
            switch (event) {
                case ExolveEvent.Started ignored -> log(System.Logger.Level.INFO, "Exolve rings the person");
                case ExolveEvent.Ended ended -> {
                    State was;
                    lock.lock();
                    try {
                        was = state;
                    } finally {
                        lock.unlock();
                    }
                    String code = ended.causeCode().orElse("-");
                    if (was == State.AWAITING_INVITE) {
                        endBeforeInvite(causeOf(ended), "Exolve ended the call, cause_code " + code);
                    } else if (was == State.ACCEPTED) {
                        log(System.Logger.Level.INFO, "Exolve reports the person's call ended (cause_code " + code
                                + ")");
                        listener.onEvent(new SipCallEvent.RemoteHangup());
                    }
                }
                // The answer comes as the INVITE; a recording or an unknown type changes nothing here.
                case ExolveEvent.Answered ignored -> {
                }
                case ExolveEvent.RecordingReady ignored -> {
                }
                case ExolveEvent.Unknown ignored -> {
                }
            }
        }

        /** Busy, no answer or a failure before any INVITE: the transfer is told as of a failed INVITE. */
        private void endBeforeInvite(FailureCause cause, String reason) {
            lock.lock();
            try {
                if (state != State.AWAITING_INVITE) {
                    return;
                }
                state = State.ENDED_AT_EXOLVE;
            } finally {
                lock.unlock();
            }
            awaiting.remove(this);
            log(System.Logger.Level.INFO, "the person leg ended before its INVITE: " + reason);
            listener.onEvent(new SipCallEvent.Failed(cause, 0, reason));
        }

        /** BYE once the INVITE was taken, else the hang-up at Exolve (once MakeCall has given an id). */
        private void hangUp() {
            State was;
            SipCall call;
            String id;
            lock.lock();
            try {
                was = state;
                if (was == State.AWAITING_INVITE || was == State.ACCEPTED) {
                    state = State.HUNG_UP;
                }
                call = dialog;
                id = exolveCallId;
            } finally {
                lock.unlock();
            }
            awaiting.remove(this);
            if (was == State.ACCEPTED) {
                call.hangup();
            } else if (was == State.AWAITING_INVITE && id != null) {
                Thread.ofVirtual().name("exolve-hangup-" + callId + "-transfer").start(() -> hangUpAtExolve(id));
            }
        }

        private void hangUpAtExolve(String id) {
            try {
                api.hangup(id);
            } catch (ExolveException e) {
                log(System.Logger.Level.WARNING, "Exolve hang-up of the person leg failed: " + e.getMessage());
            }
        }

        private void log(System.Logger.Level level, String message) {
            LOG.log(level, "call=" + callId + " " + message);
        }
    }

    /** A failed MakeCall as the transfer tells it: a refused key, a bad number, or the carrier failing. */
    private static FailureCause causeOf(ExolveException e) {
        if (e.is(ExolveException.Failure.PROVIDER_AUTH)) {
            return FailureCause.AUTH_FAILED;
        }
        if (e.is(ExolveException.Failure.INVALID_NUMBER)) {
            return FailureCause.INVALID_NUMBER;
        }
        if (e.is(ExolveException.Failure.PROVIDER_REJECTED)) {
            return FailureCause.FORBIDDEN;
        }
        return e.is(ExolveException.Failure.PROVIDER_ERROR) ? FailureCause.PROVIDER_ERROR : FailureCause.NETWORK;
    }

    /** Exolve's {@code cause_code} is read as a Q.850 cause; without one (or unreadable) it is {@code OTHER}. */
    private static FailureCause causeOf(ExolveEvent.Ended ended) {
        try {
            return ended.causeCode().map(Integer::parseInt).map(FailureCause::ofQ850).orElse(FailureCause.OTHER);
        } catch (NumberFormatException e) {
            return FailureCause.OTHER;
        }
    }
}
