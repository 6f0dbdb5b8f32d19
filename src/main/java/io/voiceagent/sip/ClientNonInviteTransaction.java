package io.voiceagent.sip;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The non-INVITE client transaction over UDP (RFC 3261 §17.1.2): REGISTER, BYE, CANCEL, OPTIONS,
 * INFO. Timer E retransmits from T1, doubling up to T2 (at T2 once a provisional arrived); Timer F
 * (64·T1) gives up; Timer K (T4) absorbs retransmitted finals.
 */
final class ClientNonInviteTransaction {

    enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

    interface Owner {
        /** A final response (provisionals only stop the retransmission backoff). */
        void onFinalResponse(SipMessage.Response response);

        void onTimeout();
    }

    private final SipMessage.Request request;
    private final Consumer<SipMessage> sender;
    private final SipScheduler scheduler;
    private final SipTimers timers;
    private final Owner owner;
    private State state = State.TRYING;
    private Duration retransmitInterval;
    private SipScheduler.Timer timerE;
    private SipScheduler.Timer timerF;

    ClientNonInviteTransaction(SipMessage.Request request, Consumer<SipMessage> sender, SipScheduler scheduler,
                               SipTimers timers, Owner owner) {
        this.request = Objects.requireNonNull(request, "request");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.retransmitInterval = timers.t1();
    }

    SipMessage.Request request() {
        return request;
    }

    State state() {
        return state;
    }

    void start() {
        sender.accept(request);
        timerE = scheduler.schedule(retransmitInterval, this::onTimerE);
        timerF = scheduler.schedule(timers.transactionTimeout(), this::onTimerF);
    }

    private void onTimerE() {
        if (state != State.TRYING && state != State.PROCEEDING) {
            return;
        }
        sender.accept(request);
        retransmitInterval = state == State.PROCEEDING ? timers.t2() : min(retransmitInterval.multipliedBy(2), timers.t2());
        timerE = scheduler.schedule(retransmitInterval, this::onTimerE);
    }

    private void onTimerF() {
        if (state == State.TRYING || state == State.PROCEEDING) {
            state = State.TERMINATED;
            timerE.cancel();
            owner.onTimeout();
        }
    }

    void onResponse(SipMessage.Response response) {
        if (state != State.TRYING && state != State.PROCEEDING) {
            return;
        }
        if (response.isProvisional()) {
            state = State.PROCEEDING;
            return;
        }
        state = State.COMPLETED;
        timerE.cancel();
        timerF.cancel();
        scheduler.schedule(timers.t4(), () -> state = State.TERMINATED);
        owner.onFinalResponse(response);
    }

    void terminate() {
        state = State.TERMINATED;
        if (timerE != null) {
            timerE.cancel();
            timerF.cancel();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
