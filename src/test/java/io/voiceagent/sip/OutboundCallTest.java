package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An outbound INVITE dialog driven in virtual time: events, ACK, CANCEL, BYE, auth, timers. */
class OutboundCallTest {

    static final String ANSWER_SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
    static final String MOVED_SDP = ANSWER_SDP.replace("40000", "40002");

    final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    final List<SipCallEvent> events = new ArrayList<>();
    final CallSession call = CallSession.outbound(stack, "call-1@test", "c_1", "79161234567",
            SessionDescription.offer("192.0.2.10", 30000, 1), events::add);

    SipMessage.Request dial() {
        call.dial();
        return stack.lastRequest("INVITE");
    }

    SipMessage.Request answered() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 200, ANSWER_SDP));
        return invite;
    }

    /** A request from the far end inside our dialog. */
    SipMessage.Request fromFarEnd(String method, long cseq, String contentType, String body) {
        SipMessage.Request invite = stack.lastRequest("INVITE");
        SipHeaders h = SipHeaders.empty().with("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKfar" + cseq)
                .with("From", invite.header("To").orElseThrow() + ";tag=far")
                .with("To", invite.header("From").orElseThrow())
                .with("Call-ID", invite.callId()).with("CSeq", cseq + " " + method);
        if (!contentType.isEmpty()) {
            h = h.with("Content-Type", contentType);
        }
        return new SipMessage.Request(method, "sip:user1@192.0.2.10:5070", h, body);
    }

    ServerTransaction serverTx(SipMessage.Request request) {
        return stack.serverTransaction(request, call::onAckTimeout);
    }

    SipMessage.Response lastResponse() {
        return stack.lastResponse();
    }

    @Test
    void inviteCarriesTheOfferToTheDialledNumber() {
        SipMessage.Request invite = dial();
        assertThat(invite.uri()).isEqualTo("sip:79161234567@sip.exolve.ru");
        assertThat(invite.callId()).isEqualTo("call-1@test");
        assertThat(invite.header("Content-Type")).contains("application/sdp");
        assertThat(invite.header("Contact")).contains("<sip:user1@192.0.2.10:5070>");
        assertThat(invite.topVia().orElseThrow().branch().orElseThrow()).startsWith("z9hG4bK");
        assertThat(invite.body()).contains("m=audio 30000 RTP/AVP 0 8 101");
    }

    @Test
    void ringingEarlyMediaThenAnswerWithAckBeforeAnswered() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 100, ""));
        stack.deliver(FakeStack.answer(invite, 180, ""));
        stack.deliver(FakeStack.answer(invite, 180, ""));
        stack.deliver(FakeStack.answer(invite, 183, ANSWER_SDP));
        SipMessage.Response ok = FakeStack.answer(invite, 200, ANSWER_SDP);
        stack.deliver(ok);
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new SipCallEvent.Ringing(180, java.util.Optional.empty()));
        SipCallEvent.Ringing early = (SipCallEvent.Ringing) events.get(1);
        assertThat(early.statusCode()).isEqualTo(183);
        assertThat(early.earlyMedia()).hasValueSatisfying(sdp -> assertThat(sdp.port()).isEqualTo(40000));
        assertThat(events.get(2)).isInstanceOf(SipCallEvent.Answered.class);
        SipMessage.Request ack = stack.lastRequest("ACK");
        assertThat(ack.cseq()).isEqualTo(new SipMessage.CSeq(invite.cseq().number(), "ACK"));
        assertThat(ack.uri()).isEqualTo("sip:gw@192.0.2.1:5060");
        assertThat(ack.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
        assertThat(ack.topVia().orElseThrow().branch()).isNotEqualTo(invite.topVia().orElseThrow().branch());
        // A retransmitted 200 means our ACK was lost: the same ACK again, no second Answered.
        stack.deliver(ok);
        assertThat(stack.count("ACK")).isEqualTo(2);
        assertThat(events).hasSize(3);
    }

    @Test
    void secondForkAnsweringIsAckedAndByedWithoutDisturbingTheCall() {
        SipMessage.Request invite = answered();
        SipMessage.Response other = invite.createResponse(200, "OK")
                .replacing("To", invite.header("To").orElseThrow() + ";tag=fork2")
                .with("Contact", "<sip:other@192.0.2.7>").withBody("application/sdp", ANSWER_SDP);
        stack.deliver(other);
        stack.deliver(other);
        SipMessage.Request bye = stack.lastRequest("BYE");
        assertThat(bye.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=fork2"));
        assertThat(bye.uri()).isEqualTo("sip:other@192.0.2.7");
        assertThat(stack.count("ACK")).isEqualTo(3);
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOf(SipCallEvent.Answered.class);
        call.hangup();
        assertThat(stack.lastRequest("BYE").header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
    }

    @ParameterizedTest
    @CsvSource({"486,BUSY", "600,BUSY", "480,NO_ANSWER", "408,NO_ANSWER", "404,INVALID_NUMBER",
        "484,INVALID_NUMBER", "604,INVALID_NUMBER", "403,FORBIDDEN", "500,PROVIDER_ERROR", "503,PROVIDER_ERROR",
        "488,OTHER", "603,DECLINED", "487,OTHER"})
    void finalResponsesMapToFailureCauses(int status, FailureCause cause) {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, status, ""));
        assertThat(events).containsExactly(new SipCallEvent.Failed(cause, status, "R" + status));
        assertThat(stack.count("ACK")).isEqualTo(1);
        assertThat(stack.ended).containsExactly(call);
    }

    @Test
    void proxyChallengeIsAnsweredWithNewCseqSameCallIdAndNewBranch() {
        SipMessage.Request first = dial();
        stack.deliver(FakeStack.answer(first, 407, "").with("Proxy-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n1\", qop=\"auth\""));
        SipMessage.Request second = stack.lastRequest("INVITE");
        assertThat(second).isNotEqualTo(first);
        assertThat(second.callId()).isEqualTo(first.callId());
        assertThat(second.cseq().number()).isEqualTo(first.cseq().number() + 1);
        assertThat(second.topVia().orElseThrow().branch()).isNotEqualTo(first.topVia().orElseThrow().branch());
        assertThat(second.header("Proxy-Authorization")).hasValueSatisfying(v -> assertThat(v)
                .contains("realm=\"sip.exolve.ru\"", "uri=\"sip:79161234567@sip.exolve.ru\"", "nc=00000001"));
        assertThat(events).isEmpty();
        stack.deliver(FakeStack.answer(second, 200, ANSWER_SDP));
        assertThat(stack.lastRequest("ACK").header("Proxy-Authorization")).isEqualTo(second.header("Proxy-Authorization"));
        assertThat(events).singleElement().isInstanceOf(SipCallEvent.Answered.class);
    }

    @Test
    void secondChallengeMeansOurCredentialsWereRejected() {
        SipMessage.Request first = dial();
        stack.deliver(FakeStack.answer(first, 401, "").with("WWW-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n1\", qop=\"auth\""));
        SipMessage.Request second = stack.lastRequest("INVITE");
        stack.deliver(FakeStack.answer(second, 401, "").with("WWW-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n2\", qop=\"auth\""));
        assertThat(events).containsExactly(new SipCallEvent.Failed(FailureCause.AUTH_FAILED, 401, "R401"));
        assertThat(stack.count("INVITE")).isEqualTo(2);
    }

    @Test
    void noResponseAtAllFailsWithTimeoutAtTimerB() {
        dial();
        stack.scheduler.advance(Duration.ofSeconds(31));
        assertThat(events).isEmpty();
        stack.scheduler.advance(Duration.ofSeconds(2));
        assertThat(events).containsExactly(new SipCallEvent.Failed(FailureCause.TIMEOUT, 0,
                "no response to INVITE within PT32S"));
    }

    @Test
    void ringTimeoutFailsAsOurRingTimeoutAndCancelsTheInvite() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 180, ""));
        stack.scheduler.advance(Duration.ofSeconds(60));
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).isInstanceOfSatisfying(SipCallEvent.Failed.class,
                f -> assertThat(f.cause()).isEqualTo(FailureCause.RING_TIMEOUT));
        SipMessage.Request cancel = stack.lastRequest("CANCEL");
        assertThat(cancel.topVia()).isEqualTo(invite.topVia());
        assertThat(cancel.cseq()).isEqualTo(new SipMessage.CSeq(invite.cseq().number(), "CANCEL"));
        assertThat(cancel.uri()).isEqualTo(invite.uri());
        assertThat(cancel.header("To")).isEqualTo(invite.header("To"));
        stack.deliver(FakeStack.answer(cancel, 200, ""));
        stack.deliver(FakeStack.answer(invite, 487, ""));
        assertThat(events).hasSize(2);
        assertThat(stack.ended).containsExactly(call);
    }

    @Test
    void ringTimeoutStillAppliesAfterAProxyChallenge() {
        SipMessage.Request first = dial();
        stack.deliver(FakeStack.answer(first, 407, "").with("Proxy-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"n1\", qop=\"auth\""));
        SipMessage.Request second = stack.lastRequest("INVITE");
        stack.deliver(FakeStack.answer(second, 180, ""));

        stack.scheduler.advance(Duration.ofSeconds(60));

        assertThat(events).hasSize(2);
        assertThat(events.get(1)).isInstanceOfSatisfying(SipCallEvent.Failed.class,
                f -> assertThat(f.cause()).isEqualTo(FailureCause.RING_TIMEOUT));
        assertThat(stack.lastRequest("CANCEL").cseq().number()).isEqualTo(second.cseq().number());
    }

    @Test
    void hangupBeforeAnyProvisionalWaitsForOneBeforeCancelling() {
        SipMessage.Request invite = dial();
        call.hangup();
        assertThat(stack.count("CANCEL")).isZero();
        stack.deliver(FakeStack.answer(invite, 100, ""));
        assertThat(stack.count("CANCEL")).isEqualTo(1);
        call.hangup();
        stack.deliver(FakeStack.answer(invite, 180, ""));
        assertThat(stack.count("CANCEL")).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void answerThatCrossesOurCancelIsAckedThenByed() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 180, ""));
        call.hangup();
        stack.deliver(FakeStack.answer(invite, 200, ANSWER_SDP));
        assertThat(stack.count("ACK")).isEqualTo(1);
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).hasSize(1).first().isInstanceOf(SipCallEvent.Ringing.class);
    }

    @Test
    void hangupAfterAnswerSendsOneByeInTheDialog() {
        SipMessage.Request invite = answered();
        call.hangup();
        call.hangup();
        assertThat(stack.count("BYE")).isEqualTo(1);
        SipMessage.Request bye = stack.lastRequest("BYE");
        assertThat(bye.uri()).isEqualTo("sip:gw@192.0.2.1:5060");
        assertThat(bye.cseq().number()).isGreaterThan(invite.cseq().number());
        assertThat(bye.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
        assertThat(bye.header("From")).isEqualTo(invite.header("From"));
        stack.deliver(FakeStack.answer(bye, 200, ""));
        assertThat(events).hasSize(1);
    }

    @Test
    void byeChallengedByTheProxyIsRetriedWithCredentials() {
        answered();
        call.hangup();
        SipMessage.Request bye = stack.lastRequest("BYE");
        stack.deliver(FakeStack.answer(bye, 407, "").with("Proxy-Authenticate",
                "Digest realm=\"sip.exolve.ru\", nonce=\"b1\""));
        SipMessage.Request retry = stack.lastRequest("BYE");
        assertThat(retry.cseq().number()).isGreaterThan(bye.cseq().number());
        assertThat(retry.header("Proxy-Authorization")).isPresent();
    }

    @Test
    void byeFromTheFarEndIsAnsweredAndEndsTheCall() {
        answered();
        SipMessage.Request bye = fromFarEnd("BYE", 1, "", "");
        call.onRequest(bye, serverTx(bye));
        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(events).hasSize(2).last().isEqualTo(new SipCallEvent.RemoteHangup());
        call.hangup();
        assertThat(stack.count("BYE")).isZero();
    }

    @Test
    void reinviteWithNewSdpIsAnsweredWithOurSdpAndReported() {
        answered();
        SipMessage.Request reinvite = fromFarEnd("INVITE", 1, "application/sdp", MOVED_SDP);
        ServerTransaction tx = serverTx(reinvite);
        call.onRequest(reinvite, tx);
        SipMessage.Response ok = lastResponse();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("m=audio 30000");
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(SipCallEvent.MediaUpdated.class,
                m -> assertThat(m.remote().port()).isEqualTo(40002));
        call.onAck(fromFarEnd("ACK", 1, "", ""));
        // The same SDP again is a session refresh, not a media change.
        SipMessage.Request refresh = fromFarEnd("INVITE", 2, "application/sdp", MOVED_SDP);
        call.onRequest(refresh, serverTx(refresh));
        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(events).hasSize(2);
    }

    @Test
    void holdIsAnsweredRecvonlyWithANewVersionAndResumeRestoresSendrecv() throws Exception {
        answered();
        SipMessage.Request hold = fromFarEnd("INVITE", 1, "application/sdp", ANSWER_SDP + "a=sendonly\r\n");
        call.onRequest(hold, serverTx(hold));
        SessionDescription held = SessionDescription.parse(lastResponse().body());
        assertThat(held.direction()).isEqualTo(SessionDescription.Direction.RECVONLY);
        assertThat(held.version()).isEqualTo(2);
        assertThat(events).last().isInstanceOfSatisfying(SipCallEvent.MediaUpdated.class,
                m -> assertThat(m.remote().direction()).isEqualTo(SessionDescription.Direction.SENDONLY));
        call.onAck(fromFarEnd("ACK", 1, "", ""));
        SipMessage.Request resume = fromFarEnd("INVITE", 2, "application/sdp", ANSWER_SDP);
        call.onRequest(resume, serverTx(resume));
        SessionDescription resumed = SessionDescription.parse(lastResponse().body());
        assertThat(resumed.direction()).isEqualTo(SessionDescription.Direction.SENDRECV);
        assertThat(resumed.version()).isEqualTo(3);
        call.onAck(fromFarEnd("ACK", 2, "", ""));
        SipMessage.Request refresh = fromFarEnd("INVITE", 3, "application/sdp", ANSWER_SDP);
        call.onRequest(refresh, serverTx(refresh));
        assertThat(SessionDescription.parse(lastResponse().body()).version()).isEqualTo(3);
    }

    @Test
    void updateWithSdpIsAnsweredLikeAReinvite() {
        answered();
        SipMessage.Request update = fromFarEnd("UPDATE", 1, "application/sdp", MOVED_SDP);
        call.onRequest(update, serverTx(update));
        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(lastResponse().body()).contains("m=audio 30000");
        assertThat(events.get(events.size() - 1)).isInstanceOf(SipCallEvent.MediaUpdated.class);
    }

    @Test
    void dtmfRelayInfoBecomesADigit() {
        answered();
        SipMessage.Request info = fromFarEnd("INFO", 1, "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
        call.onRequest(info, serverTx(info));
        SipMessage.Request star = fromFarEnd("INFO", 2, "application/dtmf-relay", "Signal=*\r\nDuration=160\r\n");
        call.onRequest(star, serverTx(star));
        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(events).endsWith(new SipCallEvent.Dtmf('5'), new SipCallEvent.Dtmf('*'));
    }

    SipMessage.Request notify(long cseq, String state, String sipfrag) {
        return fromFarEnd("NOTIFY", cseq, "message/sipfrag;version=2.0", sipfrag)
                .with("Event", "refer").with("Subscription-State", state);
    }

    @Test
    void referAsksTheFarEndToCallTheTargetAndSucceedsOnA200Sipfrag() {
        answered();
        java.util.concurrent.CompletableFuture<Void> referred = call.refer("79990000777");
        SipMessage.Request refer = stack.lastRequest("REFER");
        assertThat(refer.header("Refer-To")).contains("<sip:79990000777@sip.exolve.ru>");
        assertThat(refer.header("Referred-By")).hasValueSatisfying(by -> assertThat(by).startsWith("<sip:"));
        assertThat(refer.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
        stack.deliver(FakeStack.answer(refer, 202, ""));

        SipMessage.Request trying = notify(1, "active;expires=60", "SIP/2.0 100 Trying\r\n");
        call.onRequest(trying, serverTx(trying));
        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(referred).isNotDone();
        SipMessage.Request ok = notify(2, "terminated;reason=noresource", "SIP/2.0 200 OK\r\n");
        call.onRequest(ok, serverTx(ok));

        assertThat(lastResponse().status()).isEqualTo(200);
        assertThat(referred).isCompleted();
        SipMessage.Request late = notify(3, "terminated", "SIP/2.0 200 OK\r\n");
        call.onRequest(late, serverTx(late));
        assertThat(lastResponse().status()).as("no subscription is left").isEqualTo(481);
    }

    @Test
    void referFailsWhenRefusedOrWhenTheSipfragReportsAFailure() {
        answered();
        java.util.concurrent.CompletableFuture<Void> refused = call.refer("79990000777");
        stack.deliver(FakeStack.answer(stack.lastRequest("REFER"), 603, ""));
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.exceptionNow()).isInstanceOf(SipRequestException.class)
                .hasMessageContaining("REFER answered 603");

        java.util.concurrent.CompletableFuture<Void> busy = call.refer("79990000777");
        stack.deliver(FakeStack.answer(stack.lastRequest("REFER"), 202, ""));
        SipMessage.Request failed = notify(1, "terminated", "SIP/2.0 486 Busy Here\r\n");
        call.onRequest(failed, serverTx(failed));
        assertThat(busy.exceptionNow()).isInstanceOf(SipRequestException.class)
                .satisfies(e -> assertThat(((SipRequestException) e).status()).isEqualTo(486));
    }

    @Test
    void aNotifyOfAnotherEventPackageGets489() {
        answered();
        SipMessage.Request presence = fromFarEnd("NOTIFY", 1, "application/pidf+xml", "<presence/>")
                .with("Event", "presence").with("Subscription-State", "active");
        call.onRequest(presence, serverTx(presence));
        assertThat(lastResponse().status()).isEqualTo(489);
    }

    @Test
    void unknownInDialogRequestGets501() {
        answered();
        SipMessage.Request message = fromFarEnd("MESSAGE", 1, "text/plain", "hi");
        call.onRequest(message, serverTx(message));
        assertThat(lastResponse().status()).isEqualTo(501);
    }

    @Test
    void sessionTimerWithUsAsRefresherReinvitesAtHalfTheInterval() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 200, ANSWER_SDP).with("Session-Expires", "120;refresher=uac")
                .with("Require", "timer"));
        stack.scheduler.advance(Duration.ofSeconds(59));
        assertThat(stack.count("INVITE")).isEqualTo(1);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("INVITE")).isEqualTo(2);
        SipMessage.Request refresh = stack.lastRequest("INVITE");
        assertThat(refresh.header("To")).hasValueSatisfying(to -> assertThat(to).contains("tag=far"));
        assertThat(refresh.body()).contains("m=audio 30000");
        stack.deliver(FakeStack.answer(refresh, 200, ANSWER_SDP).with("Session-Expires", "120;refresher=uac"));
        assertThat(stack.lastRequest("ACK").cseq()).isEqualTo(new SipMessage.CSeq(refresh.cseq().number(), "ACK"));
        stack.scheduler.advance(Duration.ofSeconds(60));
        assertThat(stack.count("INVITE")).isEqualTo(3);
        assertThat(events).hasSize(1);
    }

    @Test
    void sessionThatTheFarEndStopsRefreshingIsEnded() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 200, ANSWER_SDP).with("Session-Expires", "90;refresher=uas"));
        stack.scheduler.advance(Duration.ofSeconds(59));
        assertThat(stack.count("BYE")).isZero();
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).last().isEqualTo(new SipCallEvent.RemoteHangup());
    }

    @Test
    void answerWithUnusableSdpIsByedAndFails() {
        SipMessage.Request invite = dial();
        stack.deliver(FakeStack.answer(invite, 200, "v=0\r\n"));
        assertThat(stack.count("ACK")).isEqualTo(1);
        assertThat(stack.count("BYE")).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(SipCallEvent.Failed.class,
                f -> assertThat(f.reason()).contains("unusable SDP answer"));
    }

    @Test
    void onlyRequestsWithBothOfTheDialogsTagsBelongToIt() {
        answered();
        SipMessage.Request bye = fromFarEnd("BYE", 5, "", "");
        assertThat(call.belongsToDialog(bye)).isTrue();
        assertThat(call.belongsToDialog(bye.withHeaders(bye.headers()
                .replacing("From", bye.header("From").orElseThrow().replace("tag=far", "tag=forged")))))
                .as("another From tag").isFalse();
        assertThat(call.belongsToDialog(bye.withHeaders(bye.headers()
                .replacing("To", "<sip:user1@sip.exolve.ru>;tag=guessed"))))
                .as("another To tag").isFalse();
        assertThat(call.belongsToDialog(bye.withHeaders(bye.headers().replacing("Call-ID", "other@test"))))
                .as("another Call-ID").isFalse();
    }
}
