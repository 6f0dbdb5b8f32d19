package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.sip.SessionDescription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code voicemail} client tool and {@code voicemail_detection} system tool: the call
 * ends with status {@code voicemail}, at once with {@code VOICEMAIL_ACTION=hangup}, or when the agent
 * ends it after its message with {@code leave_message}.
 */
class VoicemailToolsTest {
    private static final SessionDescription ANSWER = CallTestDoubles.answer(SessionDescription.PCMU);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallManager calls;
    private String callId;
    private AgentListener agent;

    private void start(Config.VoicemailAction action) throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings(Config.AiConnect.RINGING,
                TestConfigs.tools(action, Config.Amd.DEFAULTS)));
        sip = fixture.sip;
        media = fixture.media;
        calls = fixture.manager;
        CallTestDoubles.RingingCall ringing = fixture.ringingCall(conversation);
        callId = ringing.id();
        agent = ringing.agent();
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private void answer() {
        fixture.answer(0, ANSWER);
    }

    private CallRecord record() {
        return calls.find(callId).orElseThrow();
    }

    private static AgentEvent.ToolCall voicemailTool(String id) {
        return new AgentEvent.ToolCall("voicemail", id, Map.of(), AgentEvent.ToolSource.CLIENT);
    }

    @Test
    void withHangupTheVoicemailToolEndsTheCallAtOnceAsVoicemail() throws Exception {
        start(Config.VoicemailAction.HANGUP);
        answer();
        agent.onEvent(voicemailTool("tc_vm"));

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.VOICEMAIL);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.VOICEMAIL);
        assertThat(ended.ending().map(CallEnding::by)).contains(EndedBy.AGENT);
        assertThat(sip.dialed.getFirst().call().hangups).isEqualTo(1);
        assertThat(conversation.toolResults).singleElement().satisfies(result -> {
            assertThat(result.toolCallId()).isEqualTo("tc_vm");
            assertThat(result.isError()).isFalse();
        });
        assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("type", "voicemail")
                .containsEntry("tool", "voicemail").containsEntry("action", "hangup"));
        assertThat(ended.toJson(clock.instant())).containsEntry("status", "voicemail");
    }

    @Test
    void withLeaveMessageTheAgentSpeaksAndTheCallEndsAsVoicemailWhenItEndsIt() throws Exception {
        start(Config.VoicemailAction.LEAVE_MESSAGE);
        answer();
        agent.onEvent(voicemailTool("tc_vm"));
        assertThat(record().status()).as("the message is still to be left").isEqualTo(CallStatus.ANSWERED);
        assertThat(conversation.toolResults.getFirst().result()).contains("leave your message");

        agent.onEvent(new AgentEvent.Audio(new byte[160], 7));
        agent.onEvent(new AgentEvent.EndCallRequested());
        media.opened.getFirst().drain();

        CallRecord ended = record();
        assertThat(ended.status()).isEqualTo(CallStatus.VOICEMAIL);
        assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.AGENT_END_CALL);
    }

    @Test
    void theSystemToolEndsTheCallAsVoicemailWithoutAResult() throws Exception {
        start(Config.VoicemailAction.HANGUP);
        answer();
        agent.onEvent(new AgentEvent.ToolCall("voicemail_detection", "toolu_9", Map.of(), AgentEvent.ToolSource.SYSTEM));

        assertThat(record().status()).isEqualTo(CallStatus.VOICEMAIL);
        assertThat(conversation.toolResults).isEmpty();
    }

    @Test
    void beforeTheAnswerTheToolIsRefused() throws Exception {
        start(Config.VoicemailAction.HANGUP);
        agent.onEvent(voicemailTool("tc_early"));

        assertThat(record().status()).isEqualTo(CallStatus.RINGING);
        assertThat(conversation.toolResults).singleElement().satisfies(result -> assertThat(result.isError()).isTrue());
    }
}
