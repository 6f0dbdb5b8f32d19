package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An INVITE from the registrar (Exolve HTTP mode), answered by the call layer's handler, in virtual time. */
class InboundCallTest {

    final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    final List<SipCallEvent> events = new ArrayList<>();
    final SessionDescription ourAnswer = SessionDescription.offer("192.0.2.10", 30004, 9);

    static SipMessage.Request invite(String extraName, String extraValue, String body) {
        SipHeaders h = SipHeaders.empty().with("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1")
                .with("From", "<sip:79160000001@sip.exolve.ru>;tag=caller")
                .with("To", "<sip:user1@sip.exolve.ru>")
                .with("Call-ID", "inbound-1").with("CSeq", "10 INVITE")
                .with("Contact", "<sip:gw@192.0.2.1:5060>")
                .with("Record-Route", "<sip:rr1.example;lr>, <sip:rr2.example;lr>")
                .with("Content-Type", "application/sdp");
        if (!extraName.isEmpty()) {
            h = h.with(extraName, extraValue);
        }
        return new SipMessage.Request("INVITE", "sip:user1@192.0.2.10:5070", h, body);
    }

    final List<ServerTransaction> ackTimeouts = new ArrayList<>();

    ServerTransaction serverTx(SipMessage.Request request) {
        return stack.serverTransaction(request, ackTimeouts::add);
    }

    SipMessage.Response lastResponse() {
        return stack.lastResponse();
    }

    CallSession accept(SipMessage.Request invite, ServerTransaction tx) {
        CallSession call = CallSession.inbound(stack, invite);
        call.answerInbound(invite, tx,
                i -> Optional.of(new InboundCallHandler.Acceptance("c_in", ourAnswer, events::add)));
        return call;
    }

    static SipMessage.Request ack(SipMessage.Request invite, SipMessage.Response ok) {
        return new SipMessage.Request("ACK", "sip:user1@192.0.2.10:5070", SipHeaders.empty()
                .with("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKack1")
                .with("From", invite.header("From").orElseThrow()).with("To", ok.header("To").orElseThrow())
                .with("Call-ID", invite.callId()).with("CSeq", invite.cseq().number() + " ACK"), "");
    }

    @Test
    void acceptedInviteIsAnsweredWithOurSdpAndAnsweredOnAck() {
        SipMessage.Request invite = invite("", "", OutboundCallTest.ANSWER_SDP);
        ServerTransaction tx = serverTx(invite);
        CallSession call = accept(invite, tx);
        SipMessage.Response ok = lastResponse();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("To")).hasValueSatisfying(to -> assertThat(to).contains(";tag="));
        assertThat(ok.body()).contains("m=audio 30004");
        assertThat(ok.header("Contact")).contains("<sip:user1@192.0.2.10:5070>");
        assertThat(events).isEmpty();
        call.onAck(ack(invite, ok));
        assertThat(events).singleElement().isInstanceOfSatisfying(SipCallEvent.Answered.class,
                a -> assertThat(a.remote().port()).isEqualTo(40000));
        // Our BYE follows the route set in Record-Route order and targets the caller's Contact.
        call.hangup();
        SipMessage.Request bye = stack.lastRequest("BYE");
        assertThat(bye.uri()).isEqualTo("sip:gw@192.0.2.1:5060");
        assertThat(bye.headers().values("Route")).containsExactly("<sip:rr1.example;lr>", "<sip:rr2.example;lr>");
        assertThat(bye.header("From")).isEqualTo(ok.header("To"));
        assertThat(bye.header("To")).isEqualTo(invite.header("From"));
    }

    @Test
    void handlerSeesNumbersFromFromToAndAssertedIdentity() {
        SipMessage.Request invite = invite("P-Asserted-Identity", "\"Caller\" <sip:79160000002@sip.exolve.ru>",
                OutboundCallTest.ANSWER_SDP);
        List<InboundCallHandler.InboundInvite> seen = new ArrayList<>();
        CallSession.inbound(stack, invite).answerInbound(invite, serverTx(invite), i -> {
            seen.add(i);
            return Optional.empty();
        });
        assertThat(seen).singleElement().satisfies(i -> {
            assertThat(i.from()).isEqualTo("79160000001");
            assertThat(i.to()).isEqualTo("user1");
            assertThat(i.assertedIdentity()).contains("79160000002");
            assertThat(i.offer().port()).isEqualTo(40000);
            assertThat(i.call().callId()).isEqualTo("inbound-1");
        });
        assertThat(lastResponse().status()).isEqualTo(480);
    }

    @Test
    void failingHandlerRejectsWith480() {
        SipMessage.Request invite = invite("", "", OutboundCallTest.ANSWER_SDP);
        CallSession.inbound(stack, invite).answerInbound(invite, serverTx(invite), i -> {
            throw new IllegalStateException("boom");
        });
        assertThat(lastResponse().status()).isEqualTo(480);
    }

    @Test
    void unusableOfferIsRejectedWith488() {
        SipMessage.Request invite = invite("", "", "v=0\r\n");
        CallSession.inbound(stack, invite).answerInbound(invite, serverTx(invite),
                i -> Optional.of(new InboundCallHandler.Acceptance("c_in", ourAnswer, events::add)));
        assertThat(lastResponse().status()).isEqualTo(488);
        assertThat(events).isEmpty();
    }

    @Test
    void hangupBeforeTheAckSendsByeOnceTheAckArrives() {
        SipMessage.Request invite = invite("", "", OutboundCallTest.ANSWER_SDP);
        CallSession call = accept(invite, serverTx(invite));
        call.hangup();
        assertThat(stack.count("BYE")).isZero();
        call.onAck(ack(invite, lastResponse()));
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void missingAckEndsTheCallAtTimerH() {
        SipMessage.Request invite = invite("", "", OutboundCallTest.ANSWER_SDP);
        ServerTransaction tx = serverTx(invite);
        CallSession call = accept(invite, tx);
        stack.scheduler.advance(Duration.ofSeconds(33));
        assertThat(ackTimeouts).containsExactly(tx);
        call.onAckTimeout(tx);
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(SipCallEvent.Failed.class,
                f -> assertThat(f.cause()).isEqualTo(FailureCause.TIMEOUT));
    }

    @Test
    void sessionTimerFromACallerWithoutTimerSupportIsRefreshedByUs() {
        SipMessage.Request invite = invite("Session-Expires", "600", OutboundCallTest.ANSWER_SDP);
        CallSession call = accept(invite, serverTx(invite));
        SipMessage.Response ok = lastResponse();
        assertThat(ok.header("Session-Expires")).contains("600;refresher=uas");
        assertThat(ok.header("Require")).isEmpty();
        call.onAck(ack(invite, ok));
        stack.scheduler.advance(Duration.ofSeconds(300));
        SipMessage.Request refresh = stack.lastRequest("INVITE");
        assertThat(refresh.header("To")).isEqualTo(invite.header("From"));
        assertThat(refresh.body()).contains("m=audio 30004");
    }

    @Test
    void requestedSessionTimerIsAcceptedWithTheCallerRefreshing() {
        SipMessage.Request invite = invite("Session-Expires", "1800", OutboundCallTest.ANSWER_SDP)
                .with("Supported", "timer");
        CallSession call = accept(invite, serverTx(invite));
        SipMessage.Response ok = lastResponse();
        assertThat(ok.header("Session-Expires")).contains("1800;refresher=uac");
        assertThat(ok.header("Require")).contains("timer");
        call.onAck(ack(invite, ok));
        stack.scheduler.advance(Duration.ofSeconds(1800 - 32 - 1));
        assertThat(stack.count("BYE")).isZero();
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).last().isEqualTo(new SipCallEvent.RemoteHangup());
    }

    @Test
    void our200CopiesTheInvitesRecordRouteInOrder() {
        SipMessage.Request invite = invite("", "", OutboundCallTest.ANSWER_SDP);
        accept(invite, serverTx(invite));
        assertThat(lastResponse().headers().lines("Record-Route"))
                .containsExactly("<sip:rr1.example;lr>, <sip:rr2.example;lr>");
    }

    @Test
    void aDelayedOfferIsAnsweredWithOurFullOfferAndTheAckAnswers() {
        SipMessage.Request invite = invite("", "", "");
        CallSession call = accept(invite, serverTx(invite));
        SipMessage.Response ok = lastResponse();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("m=audio 30004 RTP/AVP 0 8 101");
        assertThat(events).isEmpty();
        SipMessage.Request ack = ack(invite, ok);
        call.onAck(new SipMessage.Request("ACK", ack.uri(), ack.headers().with("Content-Type", "application/sdp"),
                OutboundCallTest.ANSWER_SDP));
        assertThat(events).singleElement().isInstanceOfSatisfying(SipCallEvent.Answered.class,
                a -> assertThat(a.remote().port()).isEqualTo(40000));
    }

    @Test
    void aDelayedOfferWhoseAckHasNoAnswerEndsWithBye() {
        SipMessage.Request invite = invite("", "", "");
        CallSession call = accept(invite, serverTx(invite));
        call.onAck(ack(invite, lastResponse()));
        assertThat(events).singleElement().isInstanceOf(SipCallEvent.Failed.class);
        assertThat(stack.count("BYE")).isEqualTo(1);
    }
}
