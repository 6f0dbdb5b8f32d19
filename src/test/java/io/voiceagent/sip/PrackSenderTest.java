package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3262 §4 as the UAC: PRACK per reliable 18x, retransmissions re-PRACKed, order kept; and the call's use of it. */
class PrackSenderTest {

    final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    final List<SipCallEvent> events = new ArrayList<>();
    final CallSession call = CallSession.outbound(stack, "call-1@test", "c_1", "79161234567",
            SessionDescription.offer("192.0.2.10", 30000, 1), events::add);

    static SipMessage.Response reliable(SipMessage.Request invite, int status, long rseq, String body) {
        return FakeStack.answer(invite, status, body).with("Require", "100rel").with("RSeq", Long.toString(rseq))
                .with("Record-Route", "<sip:sbc.example;lr>");
    }

    SipMessage.Request dial() {
        call.dial();
        return stack.lastRequest("INVITE");
    }

    @Test
    void theInviteOffers100relAndEachReliable18xGetsItsPrackInTheEarlyDialog() {
        SipMessage.Request invite = dial();
        assertThat(invite.header("Supported")).contains("100rel, timer");
        stack.deliver(reliable(invite, 183, 7, OutboundCallTest.ANSWER_SDP));
        SipMessage.Request prack = stack.lastRequest("PRACK");
        assertThat(prack.header("RAck")).contains("7 1 INVITE");
        assertThat(prack.header("CSeq")).contains("2 PRACK");
        assertThat(prack.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
        assertThat(prack.uri()).as("the far end's Contact").isEqualTo("sip:gw@192.0.2.1:5060");
        assertThat(prack.headers().values("Route")).containsExactly("<sip:sbc.example;lr>");

        stack.deliver(reliable(invite, 180, 8, ""));
        assertThat(stack.lastRequest("PRACK").header("RAck")).contains("8 1 INVITE");
        assertThat(events).extracting(e -> ((SipCallEvent.Ringing) e).statusCode()).containsExactly(183, 180);
    }

    @Test
    void aRetransmittedReliable18xGetsTheSamePrackAgainButNoSecondEvent() {
        SipMessage.Request invite = dial();
        stack.deliver(reliable(invite, 183, 1, OutboundCallTest.ANSWER_SDP));
        SipMessage.Request first = stack.lastRequest("PRACK");
        stack.deliver(reliable(invite, 183, 1, OutboundCallTest.ANSWER_SDP));
        assertThat(stack.count("PRACK")).isEqualTo(2);
        assertThat(stack.lastRequest("PRACK")).isEqualTo(first);
        assertThat(events).hasSize(1);
    }

    @Test
    void aReliable18xThatSkipsAnRseqWaitsForTheMissingOne() {
        SipMessage.Request invite = dial();
        stack.deliver(reliable(invite, 180, 1, ""));
        stack.deliver(reliable(invite, 183, 3, OutboundCallTest.ANSWER_SDP));
        assertThat(stack.count("PRACK")).isEqualTo(1);
        assertThat(events).hasSize(1);
    }

    @Test
    void theSdpOfAReliable18xAnswersA200WithoutOne() {
        SipMessage.Request invite = dial();
        stack.deliver(reliable(invite, 183, 1, OutboundCallTest.ANSWER_SDP.replace("40000", "40100")));
        stack.deliver(FakeStack.answer(invite, 200, ""));
        assertThat(events.getLast()).isInstanceOfSatisfying(SipCallEvent.Answered.class,
                a -> assertThat(a.remote().port()).isEqualTo(40100));
        assertThat(stack.count("BYE")).isZero();
        // later requests are numbered above the PRACK
        call.hangup();
        assertThat(stack.lastRequest("BYE").header("CSeq")).contains("3 BYE");
    }

    @Test
    void anUnreliable183IsNotPrackedAndItsSdpIsNoAnswer() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 183, OutboundCallTest.ANSWER_SDP));
        assertThat(stack.count("PRACK")).isZero();
        stack.deliver(FakeStack.answer(invite, 200, ""));
        assertThat(events.getLast()).isInstanceOf(SipCallEvent.Failed.class);
    }
}
