package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AI_CONNECT: what a call does with its agent while the phone rings, in both modes. */
class BeforeTheAnswerTest {
    private static final SessionDescription PCMU_ANSWER = CallTestDoubles.answer(SessionDescription.PCMU);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallTestDoubles.Agents agents;
    private CallManager calls;

    private void start(Config.AiConnect aiConnect) throws java.io.IOException {
        fixture = new CallTestDoubles.Calls(dataDir, clock,
                CallTestDoubles.settings(aiConnect, TestConfigs.tools()));
        sip = fixture.sip;
        media = fixture.media;
        agents = fixture.agents;
        calls = fixture.manager;
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private CallRecord status(String id) {
        return calls.find(id).orElseThrow();
    }

    private void ring() {
        fixture.ring(0);
    }

    private void answer() {
        fixture.answer(0, PCMU_ANSWER);
    }

    @Test
    void whileRingingOnlyTheGreetingIsHeldAndLaterTurnsAreDroppedAndCounted() throws Exception {
        start(Config.AiConnect.RINGING);
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring();
        CallTestDoubles.Agents.Pending pending = agents.pending.getFirst();
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        pending.future().complete(conversation);
        CallTestDoubles.Media m = media.opened.getFirst();

        pending.listener().onEvent(new AgentEvent.AgentResponse("Hello, this is Anna"));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 7));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 7));
        // the agent's turn timeout fired at a phone nobody holds yet: a re-prompt
        pending.listener().onEvent(new AgentEvent.AgentResponse("Are you still there?"));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 9));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 9));
        answer();
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 11));

        assertThat(m.agentAudio).hasSize(3);
        CallRecord answered = status(started.id());
        assertThat(answered.transcript()).extracting(TranscriptLine::text).containsExactly("Hello, this is Anna");
        calls.hangup(started.id());
        assertThat(status(started.id()).events()).anySatisfy(event -> assertThat(event)
                .containsEntry("type", "pre_answer_turns_dropped").containsEntry("turns", 1L)
                .containsEntry("audio_bytes", 320L));
    }

    @Test
    void whileRingingTheAgentIsToldTheUserIsActiveSoItTakesNoTurn() throws Exception {
        start(Config.AiConnect.RINGING);
        TestCalls.start(calls, TestCalls.request("79990001122"));
        ring();
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        agents.pending.getFirst().future().complete(conversation);
        CallTestDoubles.Media m = media.opened.getFirst();

        m.listener.onUserAudio(new byte[160]);
        assertThat(conversation.userActivities).hasValue(1);
        answer();
        m.listener.onUserAudio(new byte[160]);

        assertThat(conversation.userActivities).as("none once the callee is there").hasValue(1);
        assertThat(conversation.userAudio).hasSize(2);
    }

    @Test
    void anUnansweredCallClosesItsConversationAndTheRecordSaysOneWasOpened() throws Exception {
        start(Config.AiConnect.RINGING);
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring();
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        agents.pending.getFirst().future().complete(conversation);

        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Failed(io.voiceagent.sip.FailureCause.NO_ANSWER,
                480, "Temporarily Unavailable"));

        assertThat(conversation.closed).isTrue();
        CallRecord ended = status(started.id());
        assertThat(ended.status()).isEqualTo(CallStatus.NO_ANSWER);
        assertThat(ended.toJson(clock.instant())).containsEntry("conversation_opened", true);
    }

    @Test
    void inAnswerModeNothingIsOpenedWhileRingingAndAnUnansweredCallOpensNoConversation() throws Exception {
        start(Config.AiConnect.ANSWER);
        CallRecord unanswered = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring();
        assertThat(agents.pending).isEmpty();
        calls.hangup(unanswered.id());
        assertThat(status(unanswered.id()).toJson(clock.instant())).containsEntry("conversation_opened", false);
        assertThat(agents.pending).isEmpty();
    }

    @Test
    void inAnswerModeTheConversationOpensAtTheAnswerAndItsGreetingPlaysAtOnce() throws Exception {
        start(Config.AiConnect.ANSWER);
        CallRecord started = TestCalls.start(calls, TestCalls.request("79990001122"));
        ring();
        answer();
        CallTestDoubles.Agents.Pending pending = agents.pending.getFirst();
        CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
        pending.future().complete(conversation);

        pending.listener().onEvent(new AgentEvent.AgentResponse("Hello"));
        pending.listener().onEvent(new AgentEvent.Audio(new byte[160], 1));
        media.opened.getFirst().listener.onUserAudio(new byte[160]);

        assertThat(media.opened.getFirst().agentAudio).hasSize(1);
        assertThat(status(started.id()).transcript()).extracting(TranscriptLine::text).containsExactly("Hello");
        assertThat(conversation.userActivities).hasValue(0);
        assertThat(status(started.id()).toJson(clock.instant())).containsEntry("conversation_opened", true)
                .containsEntry("conversation_id", "conv_1");
        assertThat(calls.mediaDebug(started.id())).isPresent();
    }
}
