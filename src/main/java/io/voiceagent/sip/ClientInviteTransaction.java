package io.voiceagent.sip;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The INVITE client transaction over UDP (RFC 3261 §17.1.1, with RFC 6026's Accepted state).
 * Timer A retransmits the INVITE from T1, doubling, until a response; Timer B (64·T1) ends a
 * transaction that heard nothing. A non-2xx final is ACKed here; 2xx responses (and their
 * retransmissions) go to the call, which ACKs them as a separate request.
 */
final class ClientInviteTransaction {

    enum State { CALLING, PROCEEDING, ACCEPTED, COMPLETED, TERMINATED }

    /** What the transaction tells its user. */
    interface Owner {
        void onResponse(SipMessage.Response response);

        void onTimeout();
    }

    private final SipMessage.Request invite;
    private final Consumer<SipMessage> sender;
    private final SipScheduler scheduler;
    private final SipTimers timers;
    private final Owner owner;
    private State state = State.CALLING;
    private Duration retransmitInterval;
    private SipScheduler.Timer timerA;
    private SipScheduler.Timer timerB;
    private SipMessage.Request ack;

    ClientInviteTransaction(SipMessage.Request invite, Consumer<SipMessage> sender, SipScheduler scheduler,
                            SipTimers timers, Owner owner) {
        this.invite = Objects.requireNonNull(invite, "invite");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.retransmitInterval = timers.t1();
    }

    SipMessage.Request request() {
        return invite;
    }

    State state() {
        return state;
    }

    void start() {
        sender.accept(invite);
        timerA = scheduler.schedule(retransmitInterval, this::onTimerA);
        timerB = scheduler.schedule(timers.transactionTimeout(), this::onTimerB);
    }

    private void onTimerA() {
        if (state != State.CALLING) {
            return;
        }
        sender.accept(invite);
        retransmitInterval = retransmitInterval.multipliedBy(2);
        timerA = scheduler.schedule(retransmitInterval, this::onTimerA);
    }

    private void onTimerB() {
        if (state == State.CALLING) {
            state = State.TERMINATED;
            cancelTimerA();
            owner.onTimeout();
        }
    }

    void onResponse(SipMessage.Response response) {
        switch (state) {
            case CALLING, PROCEEDING -> {
                cancelTimerA();
                if (response.isProvisional()) {
                    state = State.PROCEEDING;
                    owner.onResponse(response);
                } else if (response.isSuccess()) {
                    state = State.ACCEPTED;
                    timerB.cancel();
                    // Timer M (RFC 6026): keep absorbing 2xx retransmissions for 64·T1.
                    scheduler.schedule(timers.transactionTimeout(), this::terminate);
                    owner.onResponse(response);
                } else {
                    state = State.COMPLETED;
                    timerB.cancel();
                    ack = ackFor(response);
                    sender.accept(ack);
                    // Timer D: at least 32 s over UDP; 64·T1 is that with default timers.
                    scheduler.schedule(timers.transactionTimeout(), this::terminate);
                    owner.onResponse(response);
                }
            }
            case ACCEPTED -> {
                if (response.isSuccess()) {
                    owner.onResponse(response);
                }
            }
            case COMPLETED -> {
                if (!response.isProvisional() && !response.isSuccess()) {
                    sender.accept(ack);
                }
            }
            case TERMINATED -> {
                // late response: nothing left to do
            }
        }
    }

    /** Stops retransmitting for good (the user agent is shutting down). */
    void terminate() {
        state = State.TERMINATED;
        cancelTimerA();
        if (timerB != null) {
            timerB.cancel();
        }
    }

    private void cancelTimerA() {
        if (timerA != null) {
            timerA.cancel();
        }
    }

    /** RFC 3261 §17.1.1.3: same Request-URI, Call-ID, From, top Via and Route; To from the response. */
    private SipMessage.Request ackFor(SipMessage.Response response) {
        SipHeaders h = invite.headers();
        SipHeaders ackHeaders = SipHeaders.empty()
                .with("Via", h.values("Via").get(0))
                .with("Max-Forwards", "70")
                .with("From", h.first("From").orElseThrow())
                .with("To", response.header("To").orElse(h.first("To").orElseThrow()))
                .with("Call-ID", invite.callId())
                .with("CSeq", invite.cseq().number() + " ACK");
        for (String route : h.lines("Route")) {
            ackHeaders = ackHeaders.with("Route", route);
        }
        return new SipMessage.Request("ACK", invite.uri(), ackHeaders, "");
    }
}
