package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 3261 §17 state machines over UDP, driven by virtual time. */
class TransactionTest {

    final SipTimers timers = SipTimers.rfc3261();
    final FakeScheduler scheduler = new FakeScheduler();
    final List<Long> sendTimes = new ArrayList<>();
    final List<SipMessage> sent = new ArrayList<>();
    final List<SipMessage.Response> delivered = new ArrayList<>();
    int timeouts;

    void record(SipMessage m) {
        sent.add(m);
        sendTimes.add(scheduler.nowMillis());
    }

    static SipMessage.Request request(String method) {
        return new SipMessage.Request(method, "sip:1@sip.exolve.ru", SipHeaders.empty()
                .with("Via", Via.ours("10.0.0.1", 5060, "z9hG4bKtest"))
                .with("From", "<sip:me@sip.exolve.ru>;tag=a").with("To", "<sip:1@sip.exolve.ru>")
                .with("Call-ID", "c1").with("CSeq", "1 " + method)
                .with("Route", "<sip:proxy.example;lr>"), "");
    }

    static SipMessage.Response response(SipMessage.Request request, int status) {
        SipMessage.Response r = request.createResponse(status, "R" + status);
        return status > 100 ? r.replacing("To", request.header("To").orElseThrow() + ";tag=far") : r;
    }

    ClientInviteTransaction invite() {
        var tx = new ClientInviteTransaction(request("INVITE"), this::record, scheduler, timers,
                new ClientInviteTransaction.Owner() {
                    @Override
                    public void onResponse(SipMessage.Response response) {
                        delivered.add(response);
                    }

                    @Override
                    public void onTimeout() {
                        timeouts++;
                    }
                });
        tx.start();
        return tx;
    }

    ClientNonInviteTransaction nonInvite(String method) {
        var tx = new ClientNonInviteTransaction(request(method), this::record, scheduler, timers,
                new ClientNonInviteTransaction.Owner() {
                    @Override
                    public void onFinalResponse(SipMessage.Response response) {
                        delivered.add(response);
                    }

                    @Override
                    public void onTimeout() {
                        timeouts++;
                    }
                });
        tx.start();
        return tx;
    }

    @Test
    void inviteIsRetransmittedWithDoublingTimerAUntilTimerB() {
        invite();
        scheduler.advance(Duration.ofSeconds(40));
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L);
        assertThat(timeouts).isEqualTo(1);
        assertThat(delivered).isEmpty();
    }

    @Test
    void provisionalStopsInviteRetransmissionAndDisablesTimerB() {
        ClientInviteTransaction tx = invite();
        scheduler.advance(Duration.ofMillis(600));
        tx.onResponse(response(tx.request(), 180));
        scheduler.advance(Duration.ofSeconds(60));
        assertThat(sendTimes).containsExactly(0L, 500L);
        assertThat(timeouts).isZero();
        assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.PROCEEDING);
        assertThat(delivered).extracting(SipMessage.Response::status).containsExactly(180);
    }

    @Test
    void nonSuccessFinalIsAckedInTheTransactionAndItsRetransmissionsReAcked() {
        ClientInviteTransaction tx = invite();
        SipMessage.Response busy = response(tx.request(), 486);
        tx.onResponse(busy);
        tx.onResponse(busy);
        assertThat(delivered).extracting(SipMessage.Response::status).containsExactly(486);
        List<SipMessage.Request> acks = sent.stream().filter(m -> m instanceof SipMessage.Request r
                && r.method().equals("ACK")).map(m -> (SipMessage.Request) m).toList();
        assertThat(acks).hasSize(2);
        SipMessage.Request ack = acks.get(0);
        assertThat(ack.uri()).isEqualTo(tx.request().uri());
        assertThat(ack.topVia()).isEqualTo(tx.request().topVia());
        assertThat(ack.header("To")).hasValueSatisfying(to -> assertThat(to).endsWith(";tag=far"));
        assertThat(ack.cseq()).isEqualTo(new SipMessage.CSeq(1, "ACK"));
        assertThat(ack.headers().lines("Route")).containsExactly("<sip:proxy.example;lr>");
        scheduler.advance(Duration.ofSeconds(33));
        assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.TERMINATED);
    }

    @Test
    void everySuccessResponseGoesToTheCallWhichAcksItSeparately() {
        ClientInviteTransaction tx = invite();
        SipMessage.Response ok = response(tx.request(), 200);
        tx.onResponse(ok);
        tx.onResponse(ok);
        assertThat(delivered).hasSize(2);
        assertThat(sent).hasSize(1);
        assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.ACCEPTED);
        scheduler.advance(Duration.ofSeconds(40));
        assertThat(timeouts).isZero();
        assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.TERMINATED);
    }

    @Test
    void nonInviteTimerECapsAtT2AndTimerFTimesOut() {
        nonInvite("REGISTER");
        scheduler.advance(Duration.ofSeconds(40));
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L,
                31500L);
        assertThat(timeouts).isEqualTo(1);
    }

    @Test
    void nonInviteAfterProvisionalRetransmitsEveryT2() {
        ClientNonInviteTransaction tx = nonInvite("BYE");
        scheduler.advance(Duration.ofMillis(100));
        tx.onResponse(response(tx.request(), 100));
        scheduler.advance(Duration.ofMillis(9500));
        assertThat(sendTimes).containsExactly(0L, 500L, 4500L, 8500L);
        assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.PROCEEDING);
    }

    @Test
    void nonInviteFinalIsDeliveredOnceThenTimerKEndsTheTransaction() {
        ClientNonInviteTransaction tx = nonInvite("OPTIONS");
        SipMessage.Response ok = response(tx.request(), 200);
        tx.onResponse(ok);
        tx.onResponse(ok);
        assertThat(delivered).hasSize(1);
        scheduler.advance(Duration.ofSeconds(4));
        assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.COMPLETED);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.TERMINATED);
        assertThat(sendTimes).containsExactly(0L);
    }

    final List<ServerTransaction> terminated = new ArrayList<>();
    final List<ServerTransaction> ackTimeouts = new ArrayList<>();

    ServerTransaction server(String method) {
        return new ServerTransaction(request(method), this::record, scheduler, timers, new ServerTransaction.Owner() {
            @Override
            public void onTerminated(ServerTransaction transaction) {
                terminated.add(transaction);
            }

            @Override
            public void onAckTimeout(ServerTransaction transaction) {
                ackTimeouts.add(transaction);
            }
        });
    }

    @Test
    void serverAnswersRetransmittedRequestFromItsLastResponse() {
        ServerTransaction tx = server("BYE");
        tx.onRetransmission();
        assertThat(sent).isEmpty();
        tx.respond(response(tx.request(), 200));
        tx.onRetransmission();
        assertThat(sent).hasSize(2).allMatch(m -> ((SipMessage.Response) m).status() == 200);
        scheduler.advance(Duration.ofSeconds(32));
        assertThat(terminated).containsExactly(tx);
    }

    @Test
    void serverInviteFinalIsRetransmittedUntilAck() {
        ServerTransaction tx = server("INVITE");
        tx.respond(response(tx.request(), 100));
        tx.respond(response(tx.request(), 200));
        scheduler.advance(Duration.ofMillis(7600));
        assertThat(sendTimes).containsExactly(0L, 0L, 500L, 1500L, 3500L, 7500L);
        tx.onAck();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(sendTimes).hasSize(6);
        assertThat(ackTimeouts).isEmpty();
        assertThat(terminated).containsExactly(tx);
    }

    @Test
    void serverInviteWithoutAckGivesUpAtTimerH() {
        ServerTransaction tx = server("INVITE");
        tx.respond(response(tx.request(), 200));
        scheduler.advance(Duration.ofSeconds(33));
        assertThat(ackTimeouts).containsExactly(tx);
        assertThat(sendTimes).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L,
                31500L);
    }
}
