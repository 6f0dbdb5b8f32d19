package io.voiceagent.sip;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A server transaction over UDP (RFC 3261 §17.2). A retransmitted request is answered with the last
 * response and never reaches the user again. For INVITE, a final response is retransmitted with
 * Timer G (T1 doubling to T2) until the ACK arrives or Timer H (64·T1) expires; for a 2xx this is the
 * UAS core's duty (§13.3.1.4) and is done here too, so both cases share one timer.
 */
final class ServerTransaction {

    enum State { PROCEEDING, COMPLETED, CONFIRMED, TERMINATED }

    interface Owner {
        /** The transaction may be forgotten. */
        void onTerminated(ServerTransaction transaction);

        /** An INVITE final response was never acknowledged. */
        void onAckTimeout(ServerTransaction transaction);
    }

    private final SipMessage.Request request;
    private final Consumer<SipMessage> sender;
    private final SipScheduler scheduler;
    private final SipTimers timers;
    private final Owner owner;
    private State state = State.PROCEEDING;
    private SipMessage.Response lastResponse;
    private Duration retransmitInterval;
    private SipScheduler.Timer timerG;
    private SipScheduler.Timer timerH;

    ServerTransaction(SipMessage.Request request, Consumer<SipMessage> sender, SipScheduler scheduler,
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

    boolean isInvite() {
        return request.method().equals("INVITE");
    }

    void respond(SipMessage.Response response) {
        if (state != State.PROCEEDING) {
            return;
        }
        lastResponse = response;
        sender.accept(response);
        if (response.isProvisional()) {
            return;
        }
        state = State.COMPLETED;
        if (isInvite()) {
            timerG = scheduler.schedule(retransmitInterval, this::onTimerG);
            timerH = scheduler.schedule(timers.transactionTimeout(), this::onTimerH);
        } else {
            // Timer J: absorb request retransmissions for 64·T1.
            scheduler.schedule(timers.transactionTimeout(), this::terminate);
        }
    }

    void onRetransmission() {
        if (lastResponse != null && state != State.TERMINATED) {
            sender.accept(lastResponse);
        }
    }

    /** The ACK for our final response arrived. */
    void onAck() {
        if (state != State.COMPLETED || !isInvite()) {
            return;
        }
        state = State.CONFIRMED;
        timerG.cancel();
        timerH.cancel();
        // Timer I: absorb ACK retransmissions for T4.
        scheduler.schedule(timers.t4(), this::terminate);
    }

    private void onTimerG() {
        if (state != State.COMPLETED) {
            return;
        }
        sender.accept(lastResponse);
        retransmitInterval = retransmitInterval.multipliedBy(2).compareTo(timers.t2()) <= 0
                ? retransmitInterval.multipliedBy(2) : timers.t2();
        timerG = scheduler.schedule(retransmitInterval, this::onTimerG);
    }

    private void onTimerH() {
        if (state == State.COMPLETED) {
            timerG.cancel();
            owner.onAckTimeout(this);
            terminate();
        }
    }

    void terminate() {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        if (timerG != null) {
            timerG.cancel();
        }
        if (timerH != null) {
            timerH.cancel();
        }
        owner.onTerminated(this);
    }
}
