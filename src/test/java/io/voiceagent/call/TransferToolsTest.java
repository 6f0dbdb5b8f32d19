package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.config.Config;
import io.voiceagent.config.HoldSound;
import io.voiceagent.media.G711;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.sip.SipRequestException;
import io.voiceagent.transfer.TransferOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers as a call runs them, event by event against stand-ins: who may start one, where the
 * caller's and the agent's audio go while the person's phone rings and once it is answered, and how
 * each way of ending (the caller, the person, a busy line, a REFER) leaves both legs and the record.
 */
class TransferToolsTest {
    private static final SessionDescription ANSWER = new SessionDescription("far", 1, 1, "127.0.0.2", 40000,
            List.of(SessionDescription.PCMU, SessionDescription.TELEPHONE_EVENT), 20,
            SessionDescription.Direction.SENDRECV);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final CallTestDoubles.Sip sip = new CallTestDoubles.Sip();
    private final CallTestDoubles.MediaFactory media = new CallTestDoubles.MediaFactory();
    private final CallTestDoubles.Agents agents = new CallTestDoubles.Agents();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
    private final ServiceMetrics metrics = new ServiceMetrics();
    private CallJournal journal;
    private CallManager calls;
    private String callId;
    private AgentListener agent;

    private void start(Config.TransferMode mode, boolean answered) throws Exception {
        start(new Config.Transfer(mode, Duration.ofSeconds(30)), answered);
    }

    private void start(Config.Transfer transfer, boolean answered) throws Exception {
        journal = CallJournal.open(dataDir).journal();
        Config.Tools tools = new Config.Tools(Config.VoicemailAction.HANGUP, Config.Amd.DEFAULTS, transfer);
        calls = new CallManager(new CallManager.Settings(CallMode.SIP, 2, 20, Duration.ofSeconds(60), 3,
                Config.AiConnect.RINGING, tools), sip, media, agents, Optional.empty(), journal, List.of(), timers,
                clock, new SplittableRandom(7), metrics);
        callId = TestCalls.start(calls, TestCalls.request("79990001122")).id();
        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Ringing(180, Optional.empty()));
        agents.pending.getFirst().future().complete(conversation);
        agent = agents.pending.getFirst().listener();
        if (answered) {
            sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Answered(ANSWER));
        }
    }

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
        if (journal != null) {
            journal.close();
        }
    }

    private static AgentEvent.ToolCall transferCall(String id, Object number) {
        return new AgentEvent.ToolCall("transfer_call", id, Map.of("phone_number", number),
                AgentEvent.ToolSource.CLIENT);
    }

    private CallTestDoubles.Media customer() {
        return media.opened.get(0);
    }

    private CallTestDoubles.Media person() {
        return media.opened.get(1);
    }

    private CallTestDoubles.Sip.Dialed personLeg() {
        return sip.dialed.get(1);
    }

    private CallRecord record() {
        return calls.find(callId).orElseThrow();
    }

    @Test
    void whileThePersonRingsTheCallerHearsRingbackAndOnTheAnswerTheLegsAreRelayed() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(transferCall("tc_1", "+7 (999) 000-07-77"));

        assertThat(personLeg().digits()).isEqualTo("79990000777");
        assertThat(record().transfer()).hasValueSatisfying(t -> {
            assertThat(t.outcome()).isEqualTo(TransferOutcome.RINGING);
            assertThat(t.requestedBy()).isEqualTo("tool");
        });
        customer().drain(); // the agent's last words have played: the ringback starts
        assertThat(customer().agentAudio).as("one ringback cadence, μ-law, 5 s").hasSize(1);
        assertThat(customer().agentAudio.getFirst()).hasSize(40_000);
        agent.onEvent(new AgentEvent.Audio(new byte[160], 9));
        assertThat(customer().agentAudio).as("the agent is not heard over the ringback").hasSize(1);
        customer().listener.onUserAudio(new byte[160]);
        assertThat(conversation.userAudio).as("nor does it hear the caller").isEmpty();
        assertThat(conversation.userActivities).as("but it is kept from ending on their silence").hasPositiveValue();

        personLeg().listener().onEvent(new SipCallEvent.Answered(ANSWER));

        assertThat(conversation.toolResults).containsExactly(new CallTestDoubles.Conversation.ToolResult("tc_1",
                "Transferred: 79990000777 answered and is talking to the caller now.", false));
        assertThat(conversation.closed).isTrue();
        assertThat(customer().agentAudio).as("the ringback is dropped").isEmpty();
        assertThat(person().answered).isTrue();
        byte[] callerSays = {1, 2, 3};
        customer().listener.onUserAudio(callerSays);
        assertThat(person().agentAudio).containsExactly(callerSays);
        byte[] personSays = {4, 5, 6};
        person().listener.onUserAudio(personSays);
        assertThat(customer().agentAudio).containsExactly(personSays);

        personLeg().listener().onEvent(new SipCallEvent.RemoteHangup());

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
        assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.REMOTE);
        assertThat(sip.dialed.getFirst().call().hangups).as("the caller is hung up").isEqualTo(1);
        assertThat(person().closed).isTrue();
        assertThat(ended.transfer()).hasValueSatisfying(t -> {
            assertThat(t.outcome()).isEqualTo(TransferOutcome.ANSWERED);
            assertThat(t.agentSeconds()).hasValue(0.0);
            assertThat(t.personSeconds()).hasValue(0.0);
        });
    }

    @Test
    void aBusyPersonGivesTheCallerBackToTheAgentAndAnotherTransferMayFollow() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(transferCall("tc_1", "+79990000777"));
        customer().drain();

        personLeg().listener().onEvent(new SipCallEvent.Failed(FailureCause.BUSY, 486, "Busy Here"));

        assertThat(conversation.toolResults).containsExactly(new CallTestDoubles.Conversation.ToolResult("tc_1",
                "The transfer to 79990000777 did not go through: busy (486 Busy Here).", true));
        assertThat(conversation.contextualUpdates).last().asString().contains("busy (486 Busy Here)")
                .contains("The caller is back with you");
        assertThat(person().closed).isTrue();
        customer().listener.onUserAudio(new byte[160]);
        assertThat(conversation.userAudio).as("the agent hears the caller again").hasSize(1);
        agent.onEvent(new AgentEvent.Audio(new byte[160], 10));
        assertThat(customer().agentAudio).as("and is heard again").hasSize(1);
        assertThat(record().transfer()).hasValueSatisfying(t -> assertThat(t.outcome()).isEqualTo(TransferOutcome.BUSY));

        agent.onEvent(transferCall("tc_2", "+79990000778"));
        assertThat(sip.dialed).hasSize(3);
        assertThat(sip.dialed.get(2).digits()).isEqualTo("79990000778");
        assertThat(metrics.transfers.value("bridge", "busy")).isEqualTo(1);
        assertThat(metrics.transfers.value("bridge", "answered")).isZero();
    }

    @Test
    void theCallerHangingUpWhileThePersonRingsCancelsTheirLeg() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(transferCall("tc_1", "+79990000777"));

        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.RemoteHangup());

        assertThat(personLeg().call().hangups).as("CANCEL").isEqualTo(1);
        assertThat(person().closed).isTrue();
        CallRecord ended = record();
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.REMOTE_HANGUP);
        assertThat(ended.transfer()).hasValueSatisfying(t -> {
            assertThat(t.outcome()).isEqualTo(TransferOutcome.CANCELED);
            assertThat(t.personSeconds()).isEmpty();
        });
        assertThat(metrics.transfers.value("bridge", "canceled")).isEqualTo(1);
    }

    @Test
    void aTransferIsRefusedBeforeTheAnswerWithABadNumberOrWhileAnotherRings() throws Exception {
        start(Config.TransferMode.BRIDGE, false);
        agent.onEvent(transferCall("tc_early", "+79990000777"));
        assertThat(conversation.toolResults.getLast()).isEqualTo(new CallTestDoubles.Conversation.ToolResult(
                "tc_early", "Not done: the call is not answered.", true));
        assertThatThrownBy(() -> calls.transfer(callId, "79990000777")).isInstanceOf(CallException.class)
                .hasMessageContaining("the call is not answered");

        sip.dialed.getFirst().listener().onEvent(new SipCallEvent.Answered(ANSWER));
        agent.onEvent(transferCall("tc_bad", "12"));
        assertThat(conversation.toolResults.getLast().result()).startsWith("Not done: phone_number: expected");

        calls.transfer(callId, "79990000777");
        agent.onEvent(transferCall("tc_twice", "+79990000778"));
        assertThat(conversation.toolResults.getLast()).isEqualTo(new CallTestDoubles.Conversation.ToolResult(
                "tc_twice", "Not done: a transfer is already under way.", true));
        assertThat(sip.dialed).hasSize(2);
        assertThat(record().transfer()).hasValueSatisfying(t -> assertThat(t.requestedBy()).isEqualTo("api"));
    }

    @Test
    void withAHoldSoundTheCallerHearsItInsteadOfTheRingback() throws Exception {
        short[] music = new short[1600];
        for (int i = 0; i < music.length; i++) {
            music[i] = (short) (i * 7);
        }
        start(new Config.Transfer(Config.TransferMode.BRIDGE, Duration.ofSeconds(30),
                Optional.of(new HoldSound(dataDir.resolve("hold.wav"), music))), true);
        agent.onEvent(transferCall("tc_1", "+79990000777"));
        customer().drain();

        byte[] ulaw = new byte[music.length];
        for (int i = 0; i < music.length; i++) {
            ulaw[i] = G711.linearToUlaw(music[i]);
        }
        assertThat(customer().agentAudio).containsExactly(ulaw);
        customer().drain();
        assertThat(customer().agentAudio).as("looped").containsExactly(ulaw);
    }

    @Test
    void theToolsMessageIsGivenToTheAgentToSay() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(new AgentEvent.ToolCall("transfer_call", "tc_1", Map.of("phone_number", "+79990000777",
                "message", " Putting you through to Anna now. "), AgentEvent.ToolSource.CLIENT));

        assertThat(conversation.contextualUpdates).last().asString()
                .endsWith("Say this to the caller, and nothing else: Putting you through to Anna now.");
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("type", "transfer")
                .containsEntry("tool", "transfer_call").containsEntry("target", "79990000777"));
    }

    @Test
    void theTransferSurvivesTheJournal() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(transferCall("tc_1", "+79990000777"));
        personLeg().listener().onEvent(new SipCallEvent.Failed(FailureCause.BUSY, 486, "Busy Here"));
        calls.hangup(callId);
        CallRecord ended = record();

        CallRecord replayed = CallRecord.fromJson(ended.toJson(clock.instant()));

        assertThat(replayed.transfer()).isEqualTo(ended.transfer());
        assertThat(replayed.transfer()).hasValueSatisfying(t -> {
            assertThat(t.reason()).contains("busy (486 Busy Here)");
            assertThat(t.agentSeconds()).isPresent();
        });
    }

    @Test
    void transferToNumberIsActedOnOnlyWhenItNamesANumber() throws Exception {
        start(Config.TransferMode.BRIDGE, true);
        agent.onEvent(new AgentEvent.ToolCall("transfer_to_number", "", Map.of(), AgentEvent.ToolSource.SYSTEM));
        assertThat(sip.dialed).hasSize(1);

        agent.onEvent(new AgentEvent.ToolCall("transfer_to_number", "", Map.of("transfer_number", "+79990000777"),
                AgentEvent.ToolSource.SYSTEM));
        assertThat(personLeg().digits()).isEqualTo("79990000777");
        assertThat(record().transfer()).hasValueSatisfying(t -> assertThat(t.requestedBy()).isEqualTo("system_tool"));
        assertThat(conversation.toolResults).as("a system tool is owed no result").isEmpty();
    }

    @Test
    void anAcceptedReferEndsTheCallAsTransferredAndARefusedOneBridges() throws Exception {
        start(Config.TransferMode.REFER, true);
        agent.onEvent(transferCall("tc_1", "+79990000777"));
        CallTestDoubles.Sip.Call phone = sip.dialed.getFirst().call();
        assertThat(phone.refers).hasSize(1);
        assertThat(record().transfer()).hasValueSatisfying(t -> assertThat(t.mode()).isEqualTo(Config.TransferMode.REFER));

        phone.refers.getFirst().completeExceptionally(new SipRequestException("REFER", 405, "Method Not Allowed"));

        assertThat(sip.dialed).as("bridged instead").hasSize(2);
        assertThat(record().transfer()).hasValueSatisfying(t -> {
            assertThat(t.mode()).isEqualTo(Config.TransferMode.BRIDGE);
            assertThat(t.referFailure()).contains("REFER answered 405 Method Not Allowed");
        });
        personLeg().listener().onEvent(new SipCallEvent.Failed(FailureCause.NO_ANSWER, 480, "Temporarily Unavailable"));
        assertThat(conversation.toolResults.getLast().isError()).isTrue();

        agent.onEvent(transferCall("tc_2", "+79990000777"));
        phone.refers.get(1).complete(null);

        CallRecord ended = record();
        assertThat(conversation.toolResults.getLast()).isEqualTo(new CallTestDoubles.Conversation.ToolResult(
                "tc_2", "Transferred: the call was handed to 79990000777.", false));
        assertThat(ended.status()).isEqualTo(CallStatus.COMPLETED);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.TRANSFERRED);
        assertThat(phone.hangups).as("our BYE").isEqualTo(1);
        assertThat(ended.transfer()).hasValueSatisfying(t -> assertThat(t.outcome()).isEqualTo(TransferOutcome.REFERRED));
        assertThat(metrics.transfers.value("bridge", "no_answer")).as("the bridge the refusal fell back to").isEqualTo(1);
        assertThat(metrics.transfers.value("refer", "referred")).isEqualTo(1);
    }
}
