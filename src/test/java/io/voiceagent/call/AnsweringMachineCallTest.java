package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.media.G711;
import io.voiceagent.sip.SessionDescription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMD=local on a call: the greeting is held while the first caller audio is analysed; a person gets
 * the greeting, a machine ends the call as {@code voicemail} (hangup) or gets the agent's message once
 * its greeting and beep are over (leave_message). The caller audio is 20 ms μ-law chunks, as the
 * media session hands them over.
 */
class AnsweringMachineCallTest {
    private static final SessionDescription ANSWER = CallTestDoubles.answer(SessionDescription.PCMU);
    private static final byte[] VOICE = tone();
    private static final byte[] QUIET = filled(G711.ULAW_SILENCE);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
    private CallTestDoubles.Calls fixture;
    private String callId;
    private AgentListener agent;

    private void start(Config.VoicemailAction action) throws Exception {
        Config.Amd local = new Config.Amd(true, 2500, 1500, 800, 3500, 100, 50, 5000, 3, 256);
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings(Config.AiConnect.RINGING,
                TestConfigs.tools(action, local)));
        CallTestDoubles.RingingCall ringing = fixture.ringingCall(conversation);
        callId = ringing.id();
        agent = ringing.agent();
        agent.onEvent(new AgentEvent.Audio(new byte[800], 1)); // the greeting, queued while ringing
        fixture.answer(0, ANSWER);
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private CallTestDoubles.Media phone() {
        return fixture.media.opened.getFirst();
    }

    private void callee(byte[] chunk, int ms) {
        for (int t = 0; t < ms; t += 20) {
            phone().listener.onUserAudio(chunk);
        }
    }

    private CallRecord record() {
        return fixture.record(callId);
    }

    @Test
    void aPersonsShortHelloReleasesTheGreetingAfterTheSilenceThatFollows() throws Exception {
        start(Config.VoicemailAction.HANGUP);
        assertThat(phone().agentAudioHeld).as("held from the answer").isTrue();

        callee(QUIET, 300);
        callee(VOICE, 400);
        callee(QUIET, 800);

        await(() -> !phone().agentAudioHeld);
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("type", "amd")
                .containsEntry("result", "human").containsEntry("reason", "after_greeting_silence")
                .containsEntry("after_ms", 1500));
        assertThat(conversation.userAudio).as("the analysed audio is not the agent's to hear").isEmpty();
        callee(VOICE, 20);
        assertThat(conversation.userAudio).hasSize(1);
        assertThat(record().status()).isEqualTo(CallStatus.ANSWERED);
    }

    @Test
    void aLongGreetingIsAMachineAndWithHangupTheCallEndsAsVoicemail() throws Exception {
        start(Config.VoicemailAction.HANGUP);

        callee(QUIET, 200);
        callee(VOICE, 1600);

        await(() -> record().status().isFinal());
        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.VOICEMAIL);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.ANSWERING_MACHINE);
        assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("result", "machine")
                .containsEntry("reason", "long_greeting"));
        assertThat(phone().agentAudioHeld).as("the greeting never played").isTrue();
    }

    @Test
    void withLeaveMessageTheAgentSpeaksAfterTheBeepAndTheCallEndsAsVoicemail() throws Exception {
        start(Config.VoicemailAction.LEAVE_MESSAGE);

        callee(VOICE, 1600); // machine
        callee(VOICE, 1500); // the rest of its greeting
        callee(VOICE, 500);  // the beep
        await(() -> record().events().stream().anyMatch(e -> "amd".equals(e.get("type"))));
        assertThat(phone().agentAudioHeld).as("still the machine's greeting").isTrue();
        callee(QUIET, 800);

        await(() -> !phone().agentAudioHeld);
        assertThat(conversation.contextualUpdates).anySatisfy(text -> assertThat(text).contains("leave your message"));
        agent.onEvent(new AgentEvent.EndCallRequested());
        phone().drain();
        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.VOICEMAIL);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AGENT_END_CALL);
    }

    private static byte[] tone() {
        byte[] chunk = new byte[160];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = G711.linearToUlaw((int) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        return chunk;
    }

    private static byte[] filled(byte value) {
        byte[] chunk = new byte[160];
        Arrays.fill(chunk, value);
        return chunk;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
