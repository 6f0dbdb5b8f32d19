package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentException;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallStateMachineTest {
    private static final SessionDescription PCMA_ANSWER =
            CallTestDoubles.answer(SessionDescription.PCMA, SessionDescription.TELEPHONE_EVENT);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallTestDoubles.Agents agents;
    private CallManager calls;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings());
        sip = fixture.sip;
        media = fixture.media;
        agents = fixture.agents;
        calls = fixture.manager;
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** The phone starts ringing: the agent is asked for then, not at dial time. */
    private void ring(int call) {
        fixture.ring(call);
    }

    private CallRecord status(String id) {
        return calls.find(id).orElseThrow();
    }

    @Test
    void aCallRingsIsAnsweredAndEndsWhenTheFarEndHangsUp() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        assertThat(started.status()).isEqualTo(CallStatus.DIALING);
        CallTestDoubles.Sip.Dialed dialed = sip.dialed.get(0);
        assertThat(dialed.digits()).isEqualTo("79990001122");
        assertThat(dialed.offer().port()).isEqualTo(10_000);
        assertThat(dialed.offer().formats()).extracting(SessionDescription.Format::encoding)
                .containsExactly("PCMU", "PCMA", "telephone-event");

        dialed.listener().onEvent(new SipCallEvent.Ringing(180, Optional.empty()));
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.RINGING);

        dialed.listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));
        CallTestDoubles.Media m = media.opened.get(0);
        assertThat(m.answered).isTrue();
        assertThat(m.payloadType).isEqualTo(8);
        assertThat(m.remote.getPort()).isEqualTo(40000);
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.ANSWERED);

        dialed.listener().onEvent(new SipCallEvent.RemoteHangup());
        CallRecord ended = status(started.id());
        assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.REMOTE_HANGUP);
        assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.REMOTE);
        assertThat(ended.media().packetsIn()).isEqualTo(10);
        assertThat(m.closed).isTrue();
        // The leg is told once; after the far end's BYE a SipCall's hangup sends nothing (sip package tests).
        assertThat(dialed.call().hangups).isEqualTo(1);
        assertThat(calls.health().activeCalls()).isZero();
    }

    @Test
    void theAgentIsConnectedWhileRingingAndItsGreetingIsHeldForTheAnswer() throws Exception {
        StartCallRequest request = new StartCallRequest("79990001122", Optional.of("Hi, it's Anna"),
                Optional.empty(), Optional.of("ru"), Map.of("name", "Ivan"), Map.of(), Optional.empty(), Optional.empty());
        CallRecord started = TestCalls.start(calls, request);
        ring(0);
        CallTestDoubles.Agents.Pending pending = agents.pending.get(0);
        assertThat(pending.request().firstMessage()).contains("Hi, it's Anna");
        assertThat(pending.request().dynamicVariables()).containsEntry("name", "Ivan");

        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        pending.future().complete(conversation);
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 1));
        CallTestDoubles.Media m = media.opened.get(0);

        assertThat(m.agentAudio).hasSize(1);
        assertThat(m.answered).isFalse();
        assertThat(status(started.id()).conversationId()).contains("conv_1");

        m.listener.onUserAudio(new byte[160]);
        assertThat(conversation.userAudio).hasSize(1);
        assertThat(calls.mediaDebug(started.id())).hasValueSatisfying(debug -> assertThat(debug)
                .containsEntry("media", Map.of("queued", 1))
                .containsEntry("ai", Map.of("user_audio_chunks", 1)));

        pending.listener().onEvent(new AgentEvent.AgentResponse("Hi, it's Anna"));
        assertThat(status(started.id()).transcript()).as("not spoken before the answer").isEmpty();
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));
        CallRecord answered = status(started.id());
        assertThat(answered.transcript()).singleElement().satisfies(line -> {
            assertThat(line.text()).isEqualTo("Hi, it's Anna");
            assertThat(line.at()).isEqualTo(answered.answeredAt().orElseThrow());
        });
    }

    @Test
    void transcriptsInterruptionsAndDtmfGoOnTheRecord() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring(0);
        CallTestDoubles.Agents.Pending pending = agents.pending.get(0);
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        pending.future().complete(conversation);
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));

        pending.listener().onEvent(new AgentEvent.AgentResponse("Hello, how can I help you today?"));
        pending.listener().onEvent(new AgentEvent.AgentResponseCorrection("Hello, how can"));
        pending.listener().onEvent(new AgentEvent.UserTranscript("My balance please"));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 2));
        pending.listener().onEvent(new AgentEvent.Interruption(2));
        media.opened.get(0).listener.onDtmf('5');
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Dtmf('#'));
        // Digits are handed off the media thread, in order: wait for both to be recorded and told to the agent
        // (the record changes before the agent is told).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while ((!status(started.id()).dtmf().equals("5#") || conversation.contextualUpdates.size() < 2)
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        CallRecord record = status(started.id());
        assertThat(record.transcript()).extracting(TranscriptLine::role, TranscriptLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("agent", "Hello, how can"),
                org.assertj.core.groups.Tuple.tuple("user", "My balance please"));
        assertThat(media.opened.get(0).interrupts).isEqualTo(1);
        assertThat(media.opened.get(0).agentAudio).isEmpty();
        assertThat(record.dtmf()).isEqualTo("5#");
        assertThat(conversation.contextualUpdates).hasSize(2).allMatch(u -> u.contains("pressed"));
    }

    @Test
    void aNumberThatFailsBeforeRingingNeverOpensAnAgentConversation() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990000004"));
        assertThat(agents.pending).as("not at dial time").isEmpty();

        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Failed(FailureCause.INVALID_NUMBER, 404, "Not Found"));

        assertThat(status(started.id()).status()).isEqualTo(CallStatus.FAILED);
        assertThat(agents.pending).isEmpty();
    }

    @Test
    void aPhoneThatAnswersWithoutRingingStillGetsItsAgent() throws Exception {
        TestCalls.start(calls, TestCalls.request("79990001122"));
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));

        assertThat(agents.pending).hasSize(1);
    }

    @Test
    void busyAndInvalidNumberAreOutcomesNotErrors() throws Exception {
        CallRecord busy = TestCalls.start(calls, TestCalls.request("79990000001"));
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Failed(FailureCause.BUSY, 486, "Busy Here"));
        CallRecord invalid = TestCalls.start(calls, TestCalls.request("79990000004"));
        sip.dialed.get(1).listener().onEvent(new SipCallEvent.Failed(FailureCause.INVALID_NUMBER, 404, "Not Found"));

        assertThat(status(busy.id()).status()).isEqualTo(CallStatus.BUSY);
        assertThat(status(busy.id()).sipCode()).isEqualTo(486);
        assertThat(status(invalid.id()).status()).isEqualTo(CallStatus.FAILED);
        assertThat(status(invalid.id()).ending().map(CallEnding::cause)).contains(EndCause.INVALID_NUMBER);
        assertThat(status(invalid.id()).sipReason()).contains("Not Found");
    }

    @Test
    void onlyTheMostRecentEndedCallsStayInMemoryAndLiveOnesAlways() throws Exception {
        CallRecord live = TestCalls.start(calls, TestCalls.request("79990000100"));
        List<String> ended = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            CallRecord call = TestCalls.start(calls, TestCalls.request("7999000010" + i));
            sip.dialed.getLast().listener().onEvent(new SipCallEvent.Failed(FailureCause.BUSY, 486, "Busy Here"));
            ended.add(call.id());
        }

        assertThat(calls.list(Optional.empty(), 100)).extracting(CallRecord::id)
                .containsExactlyInAnyOrder(live.id(), ended.get(2), ended.get(3), ended.get(4));
        assertThat(calls.find(ended.get(0))).isEmpty();
        assertThat(calls.find(live.id())).isPresent();
    }

    @Test
    void anAgentThatRefusesFailsTheCallFastAndHangsUpThePhone() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring(0);
        agents.pending.get(0).future().completeExceptionally(new AgentException("ai_unauthorized", "401"));

        CallRecord record = status(started.id());
        assertThat(record.status()).isEqualTo(CallStatus.FAILED);
        assertThat(record.ending().map(CallEnding::cause)).contains(EndCause.AI_UNAUTHORIZED);
        assertThat(sip.dialed.get(0).call().hangups).isEqualTo(1);
    }

    @Test
    void endCallFromTheAgentWaitsForItsQueuedAudio() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring(0);
        CallTestDoubles.Agents.Pending pending = agents.pending.get(0);
        pending.future().complete(new CallTestDoubles.Conversation());
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));

        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 3));
        pending.listener().onEvent(new AgentEvent.EndCallRequested());
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.ANSWERED);

        media.opened.get(0).drain();
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(status(started.id()).ending().map(CallEnding::by)).contains(EndedBy.AGENT);
        assertThat(sip.dialed.get(0).call().hangups).isEqualTo(1);
    }

    @Test
    void hangupBeforeAnswerCancelsAndASecondHangupIsAConflict() throws Exception {
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        ring(0);
        agents.pending.get(0).future().complete(conversation);

        CallRecord after = calls.hangup(started.id());

        assertThat(after.status()).isEqualTo(CallStatus.CANCELED);
        assertThat(after.ending().map(CallEnding::by)).contains(EndedBy.US);
        assertThat(sip.dialed.get(0).call().hangups).isEqualTo(1);
        assertThat(conversation.closed).isTrue();
        assertThatThrownBy(() -> calls.hangup(started.id())).isInstanceOfSatisfying(CallException.class,
                e -> assertThat(e.reason()).isEqualTo(CallException.Reason.ALREADY_ENDED));
        assertThatThrownBy(() -> calls.hangup("c_nope")).isInstanceOfSatisfying(CallException.class,
                e -> assertThat(e.reason()).isEqualTo(CallException.Reason.NOT_FOUND));
    }

    @Test
    void theConcurrencyLimitAnswersTooManyCalls() throws Exception {
        TestCalls.start(calls, TestCalls.request("79990000010"));
        CallRecord second = TestCalls.start(calls, TestCalls.request("79990000011"));

        assertThatThrownBy(() -> TestCalls.start(calls, TestCalls.request("79990000012")))
                .isInstanceOfSatisfying(CallException.class,
                        e -> assertThat(e.reason()).isEqualTo(CallException.Reason.TOO_MANY_CALLS));

        calls.hangup(second.id());
        assertThat(TestCalls.start(calls, TestCalls.request("79990000012")).status()).isEqualTo(CallStatus.DIALING);
    }

    @Test
    void whileRegisteringHealthIsNotReadyAndStartIsRefusedAsNotRegistered() {
        sip.registration = new RegistrationStatus(RegistrationStatus.State.REGISTERING, Optional.empty(),
                Instant.EPOCH, Optional.empty());

        assertThat(calls.health().ready()).isFalse();
        assertThat(calls.health().sipRegistration()).isEqualTo("registering");
        assertThat(calls.health().reason()).hasValueSatisfying(r -> assertThat(r).contains("registering"));
        assertThatThrownBy(() -> TestCalls.start(calls, TestCalls.request("79990001122")))
                .isInstanceOfSatisfying(CallException.class,
                        e -> assertThat(e.reason()).isEqualTo(CallException.Reason.NOT_REGISTERED));
        assertThat(sip.dialed).isEmpty();
    }

    @Test
    void aFailedRegistrationMakesTheServiceUnavailable() {
        sip.registration = new RegistrationStatus(RegistrationStatus.State.FAILED, Optional.of("403 Forbidden"),
                Instant.EPOCH, Optional.empty());

        assertThat(calls.health().ready()).isFalse();
        assertThat(calls.health().reason()).hasValueSatisfying(r -> assertThat(r).contains("403 Forbidden"));
        assertThatThrownBy(() -> TestCalls.start(calls, TestCalls.request("79990001122")))
                .isInstanceOfSatisfying(CallException.class,
                        e -> assertThat(e.reason()).isEqualTo(CallException.Reason.NOT_REGISTERED));
    }

    @Test
    void drainHangsUpEveryLiveCallAndRefusesNewOnes() throws Exception {
        CallRecord a = TestCalls.start(calls, TestCalls.request("79990000010"));
        CallRecord b = TestCalls.start(calls, TestCalls.request("79990000011"));
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Answered(PCMA_ANSWER));

        calls.drain(Duration.ofSeconds(1));

        assertThat(status(a.id()).status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(status(a.id()).ending().map(CallEnding::cause)).contains(EndCause.SHUTDOWN);
        assertThat(status(b.id()).status()).isEqualTo(CallStatus.CANCELED);
        assertThat(calls.health().ready()).isFalse();
        assertThat(calls.health().reason()).contains("shutting down");
    }

    @Test
    void exolveHttpModeMatchesTheInboundInviteToItsPendingCall() throws Exception {
        calls = exolveHttpManager(Duration.ofSeconds(60));
        CallRecord first = TestCalls.start(calls, TestCalls.request("79990000001"));
        CallRecord second = TestCalls.start(calls, TestCalls.request("79990000002"));
        CallTestDoubles.Sip.Call leg = new CallTestDoubles.Sip.Call("inbound-1");
        SessionDescription offer = SessionDescription.offer("127.0.0.3", 30000, 9);

        Optional<InboundCallHandler.Acceptance> accepted = calls.onInvite(new InboundCallHandler.InboundInvite(
                leg, "74950000000", "sipuser", Optional.of("+7 999 000-00-02"), offer));

        assertThat(accepted).isPresent();
        assertThat(accepted.get().answer().port()).isEqualTo(10_000);
        assertThat(accepted.get().answer().formats()).extracting(SessionDescription.Format::encoding)
                .containsExactly("PCMU", "telephone-event");
        accepted.get().listener().onEvent(new SipCallEvent.Answered(offer));
        assertThat(status(second.id()).status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(status(second.id()).sipCallId()).contains("inbound-1");
        assertThat(status(first.id()).status()).isEqualTo(CallStatus.DIALING);
    }

    @Test
    void webhookEventsAreAppliedOnceAndUnknownCallsAreReported() throws Exception {
        calls = exolveHttpManager(Duration.ofSeconds(60));
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990000001"));
        awaitExolveId(started.id());
        ExolveEvent ringing = ExolveEvent.parse(
                Map.of("call_id", "exo-1", "type", "b", "date_time", "2026-11-25T10:00:01Z"));

        assertThat(calls.onExolveEvent(ringing)).isEqualTo(CallService.WebhookOutcome.APPLIED);
        assertThat(calls.onExolveEvent(ringing)).isEqualTo(CallService.WebhookOutcome.DUPLICATE);
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.RINGING);
        assertThat(status(started.id()).events()).hasSize(1);

        ExolveEvent unknown = ExolveEvent.parse(Map.of("call_id", "exo-404", "type", "b"));
        assertThat(calls.onExolveEvent(unknown)).isEqualTo(CallService.WebhookOutcome.UNKNOWN_CALL);

        ExolveEvent ended = ExolveEvent.parse(Map.of("call_id", "exo-1", "type", "d", "cause_code", 16));
        assertThat(calls.onExolveEvent(ended)).isEqualTo(CallService.WebhookOutcome.APPLIED);
        assertThat(status(started.id()).status()).isEqualTo(CallStatus.NO_ANSWER);
        assertThat(calls.onExolveEvent(ended)).isEqualTo(CallService.WebhookOutcome.DUPLICATE);
    }

    @Test
    void aRingTimeoutIsNoAnswerEndedByUsButTheNetworksNoAnswerIsTheirs() throws Exception {
        CallRecord ours = TestCalls.start(calls, TestCalls.request("79990000002"));
        ring(0);
        sip.dialed.get(0).listener().onEvent(new SipCallEvent.Failed(FailureCause.RING_TIMEOUT, 0, "no answer within 60 s"));
        CallRecord theirs = TestCalls.start(calls, TestCalls.request("79990000003"));
        ring(1);
        sip.dialed.get(1).listener().onEvent(new SipCallEvent.Failed(FailureCause.NO_ANSWER, 480, "Temporarily Unavailable"));

        assertThat(status(ours.id()).ending())
                .contains(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.US));
        assertThat(status(ours.id()).toJson(clock.instant())).containsEntry("hangup_by", "us");
        assertThat(status(theirs.id()).ending())
                .contains(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.REMOTE));
    }

    @Test
    void exolveHttpModesRingTimeoutIsNoAnswerEndedByUs() throws Exception {
        calls = exolveHttpManager(Duration.ofMillis(20));
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990000002"));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!status(started.id()).status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertThat(status(started.id()).ending())
                .contains(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.US));
    }

    @Test
    void unknownAndRecordingEventsChangeNoStatus() throws Exception {
        calls = exolveHttpManager(Duration.ofSeconds(60));
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990000001"));
        awaitExolveId(started.id());

        assertThat(calls.onExolveEvent(ExolveEvent.parse(Map.of("call_id", "exo-1", "type", "crr", "url", "u"))))
                .isEqualTo(CallService.WebhookOutcome.APPLIED);

        assertThat(status(started.id()).status()).isEqualTo(CallStatus.DIALING);
        assertThat(status(started.id()).events()).singleElement().satisfies(e -> assertThat(e).containsEntry("type", "crr"));
    }

    private void awaitExolveId(String callId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (status(callId).exolveCallId().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(status(callId).exolveCallId()).contains("exo-1");
    }

    /** A manager in Exolve HTTP mode over the same doubles, journal and timers as the fixture's. */
    private CallManager exolveHttpManager(Duration ringTime) {
        return new CallManager(CallTestDoubles.settings(CallMode.EXOLVE_HTTP, 5, ringTime, 3), sip, media, agents,
                Optional.of(new FakeExolve()), fixture.journal, List.of(), fixture.timers, clock, new SplittableRandom(3),
                new ServiceMetrics());
    }

    private static final class FakeExolve implements io.voiceagent.exolve.ExolveApi {
        @Override
        public String makeCall(String destinationDigits) {
            return "exo-1";
        }

        @Override
        public void hangup(String exolveCallId) {
        }

        @Override
        public Map<String, Object> check() {
            return Map.of();
        }
    }
}
