package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4028 with us as the refresher, in virtual time: what the refresh carries and how failures end. */
class SessionRefresherTest {

    final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    final List<SipCallEvent> events = new ArrayList<>();
    final CallSession call = CallSession.outbound(stack, "call-1@test", "c_1", "79161234567",
            SessionDescription.offer("192.0.2.10", 30000, 1), events::add);

    /** Dials and answers with a 200 that makes us the refresher of a {@code seconds} session. */
    SipMessage.Request answeredWithTimer(int seconds, String minSe) {
        call.dial();
        SipMessage.Request invite = stack.lastRequest("INVITE");
        SipMessage.Response ok = FakeStack.answer(invite, 200, OutboundCallTest.ANSWER_SDP)
                .with("Session-Expires", seconds + ";refresher=uac").with("Require", "timer");
        stack.deliver(minSe.isEmpty() ? ok : ok.with("Min-SE", minSe));
        return invite;
    }

    SipMessage.Request refreshNumber(long cseq) {
        SipMessage.Request last = stack.lastRequest("INVITE");
        assertThat(last.cseq().number()).as("CSeq of the last INVITE").isEqualTo(cseq);
        return last;
    }

    @Test
    void theRefreshAtHalfTheIntervalCarriesTheTimerMinSeAndOurUnchangedSdp() {
        SipMessage.Request invite = answeredWithTimer(120, "90");
        stack.scheduler.advance(Duration.ofSeconds(59));
        assertThat(stack.count("INVITE")).isEqualTo(1);
        stack.scheduler.advance(Duration.ofSeconds(1));
        SipMessage.Request refresh = refreshNumber(2);
        assertThat(refresh.header("Session-Expires")).contains("120;refresher=uac");
        assertThat(refresh.header("Min-SE")).contains("90");
        assertThat(refresh.header("Supported")).hasValueSatisfying(s -> assertThat(s).contains("timer"));
        assertThat(refresh.body()).isEqualTo(invite.body());
        assertThat(refresh.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));

        stack.deliver(FakeStack.answer(refresh, 200, OutboundCallTest.ANSWER_SDP)
                .with("Session-Expires", "120;refresher=uac"));
        assertThat(stack.lastRequest("ACK").cseq().number()).isEqualTo(2);
        stack.scheduler.advance(Duration.ofSeconds(60));
        refreshNumber(3);
        assertThat(events).singleElement().isInstanceOf(SipCallEvent.Answered.class);
    }

    @Test
    void a491IsRetriedAfterARandomPauseOf2100To4000MsForTheCallIdOwner() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        stack.deliver(FakeStack.answer(refreshNumber(2), 491, ""));
        stack.scheduler.advance(Duration.ofMillis(2099));
        assertThat(stack.count("INVITE")).as("no retry before 2.1 s").isEqualTo(2);
        stack.scheduler.advance(Duration.ofMillis(4000 - 2099));
        refreshNumber(3);
    }

    @Test
    void a407IsRetriedAtOnceWithCredentials() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        stack.deliver(FakeStack.answer(refreshNumber(2), 407, "").with("Proxy-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n1\", qop=\"auth\", algorithm=MD5"));
        SipMessage.Request retry = refreshNumber(3);
        assertThat(retry.header("Proxy-Authorization")).hasValueSatisfying(a -> assertThat(a).contains("nonce=\"n1\""));
        assertThat(retry.header("Session-Expires")).contains("120;refresher=uac");
    }

    @Test
    void a422IsRetriedWithItsMinSe() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        stack.deliver(FakeStack.answer(refreshNumber(2), 422, "").with("Min-SE", "1800"));
        SipMessage.Request retry = refreshNumber(3);
        assertThat(retry.header("Session-Expires")).contains("1800;refresher=uac");
        assertThat(retry.header("Min-SE")).contains("1800");
    }

    @Test
    void aRefreshThatGetsNoResponseEndsTheCallWithByeAndSessionRefreshFailed() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        refreshNumber(2);
        stack.scheduler.advance(stack.timers().transactionTimeout());
        assertThat(events.getLast()).isInstanceOf(SipCallEvent.SessionRefreshFailed.class);
        assertThat(stack.lastRequest("BYE").cseq().number()).isEqualTo(3);
        assertThat(call.state()).isEqualTo(CallSession.State.ENDED);
    }

    @Test
    void refusalsUntilExpiryEndTheCallBeforeTheFarEndWould() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        // 120 s session: the far end gives up at 120 - 32 = 88 s after the answer
        SipMessage.Request refused = null;
        while (events.size() == 1) {
            SipMessage.Request refresh = stack.lastRequest("INVITE");
            if (refresh != refused) {
                stack.deliver(FakeStack.answer(refresh, 500, ""));
                refused = refresh;
            }
            stack.scheduler.advance(Duration.ofMillis(10));
        }
        assertThat(events.getLast()).isInstanceOf(SipCallEvent.SessionRefreshFailed.class);
        assertThat(stack.count("INVITE")).as("refreshes retried while time was left").isGreaterThan(3);
        assertThat(stack.scheduler.nowMillis()).as("ended (in 10 ms steps) by 88 s").isLessThanOrEqualTo(88_010);
        assertThat(stack.count("BYE")).isEqualTo(1);
    }

    @Test
    void a481MeansTheFarEndForgotTheDialog() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        stack.deliver(FakeStack.answer(refreshNumber(2), 481, ""));
        assertThat(events.getLast()).isInstanceOf(SipCallEvent.RemoteHangup.class);
    }

    @Test
    void anAnswerThatMakesTheFarEndTheRefresherStopsOurRefreshes() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        stack.deliver(FakeStack.answer(refreshNumber(2), 200, OutboundCallTest.ANSWER_SDP)
                .with("Session-Expires", "120;refresher=uas"));
        stack.scheduler.advance(Duration.ofSeconds(87));
        assertThat(stack.count("INVITE")).as("no refresh of ours").isEqualTo(2);
        stack.scheduler.advance(Duration.ofSeconds(2));
        assertThat(events.getLast()).as("the far end did not refresh either").isInstanceOf(SipCallEvent.RemoteHangup.class);
    }

    @Test
    void aReInviteCrossingOurRefreshGets491() {
        answeredWithTimer(120, "");
        stack.scheduler.advance(Duration.ofSeconds(60));
        SipMessage.Request invite = stack.lastRequest("INVITE");
        SipMessage.Request theirs = new SipMessage.Request("INVITE", "sip:user1@192.0.2.10:5070", SipHeaders.empty()
                .with("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKglare")
                .with("From", invite.header("To").orElseThrow())
                .with("To", invite.header("From").orElseThrow())
                .with("Call-ID", invite.callId()).with("CSeq", "7 INVITE")
                .with("Content-Type", "application/sdp"), OutboundCallTest.MOVED_SDP);
        call.onRequest(theirs, stack.serverTransaction(theirs, t -> { }));
        assertThat(stack.lastResponse().status()).isEqualTo(491);
    }
}
