package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.voiceagent.demo.agent.AgentPeer.INITIATION;
import static io.voiceagent.demo.agent.AgentPeer.TIMEOUT;
import static io.voiceagent.demo.agent.AgentPeer.audioOf;
import static io.voiceagent.demo.agent.AgentPeer.awaitEvent;
import static io.voiceagent.demo.agent.AgentPeer.events;
import static io.voiceagent.demo.agent.AgentPeer.object;
import static org.assertj.core.api.Assertions.assertThat;

/** After hearing speech and then silence the agent answers with a transcript, a reply and end_call. */
class ScriptedTurnTest {
    private FakeElevenLabsAgent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void speechThenSilenceGetsTranscriptReplyAudioAndEndCall() throws Exception {
        // Barge-in off: this peer sends audio faster than real time, so the greeting would still be "playing".
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pacing(AudioPacing.BURST).bargeIn(false).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            sent.writeBytes(AgentPeer.ulawSilence(1000));
            sent.writeBytes(DemoAudio.callerPhrase());
            sent.writeBytes(AgentPeer.ulawSilence(800));
            AgentPeer.sendAudio(peer, sent.toByteArray(), 160);

            Map<String, Object> transcript = object(awaitEvent(peer, "user_transcript"), "user_transcription_event");
            assertThat(transcript.get("user_transcript")).isEqualTo("I heard you");
            Map<String, Object> toolCall = object(awaitEvent(peer, "client_tool_call"), "client_tool_call");
            assertThat(toolCall.get("tool_name")).isEqualTo("end_call");
            assertThat((String) toolCall.get("tool_call_id")).isNotEmpty();

            List<Map<String, Object>> responses = events(peer, "agent_response");
            assertThat(responses).hasSize(2);
            Map<String, Object> reply = object(responses.get(1), "agent_response_event");
            assertThat(reply.get("agent_response")).isEqualTo("Thank you. Goodbye!");
            assertThat(audioOf(peer, ((Number) reply.get("event_id")).longValue())).isEqualTo(DemoAudio.reply());

            List<String> order = peer.texts().stream().map(AgentPeer::type).filter(type -> !type.equals("audio") && !type.equals("ping")).toList();
            assertThat(order).containsExactly("conversation_initiation_metadata", "agent_response", "user_transcript", "agent_response", "client_tool_call");

            peer.sendText("{\"type\":\"client_tool_result\",\"tool_call_id\":\"" + toolCall.get("tool_call_id") + "\",\"result\":\"ok\",\"is_error\":false}");
            peer.sendText("{\"type\":\"contextual_update\",\"text\":\"DTMF 1#\"}");
            FakeConversation conversation = agent.conversations().getFirst();
            assertThat(conversation.awaitUntil(c -> !c.contextualUpdates().isEmpty(), TIMEOUT)).isTrue();
            assertThat(conversation.contextualUpdates()).containsExactly("DTMF 1#");
            assertThat(conversation.toolResults()).containsExactly(new ToolResult((String) toolCall.get("tool_call_id"), "ok", false));
            assertThat(conversation.userAudio()).isEqualTo(sent.toByteArray());
            assertThat(conversation.userAudioChunks()).hasSize(sent.size() / 160).allMatch(chunk -> chunk.bytes() == 160);
        }
    }

    @Test
    void silenceAloneGetsNoReply() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pacing(AudioPacing.BURST).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            AgentPeer.sendAudio(peer, AgentPeer.ulawSilence(3000), 160);
            FakeConversation conversation = agent.awaitConversation(0, TIMEOUT).orElseThrow();
            assertThat(conversation.awaitUntil(c -> c.userAudio().length == 24_000, TIMEOUT)).isTrue();
            assertThat(events(peer, "user_transcript")).isEmpty();
        }
    }

    @Test
    void callerSpeakingOverTheGreetingInterruptsIt() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().endCallAfterReply(false).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            long greetingId = ((Number) object(awaitEvent(peer, "agent_response"), "agent_response_event").get("event_id")).longValue();
            AgentPeer.sendAudio(peer, DemoAudio.callerPhrase(), 160);

            Map<String, Object> interruption = object(awaitEvent(peer, "interruption"), "interruption_event");
            assertThat(((Number) interruption.get("event_id")).longValue()).isEqualTo(greetingId);
            Map<String, Object> correction = object(awaitEvent(peer, "agent_response_correction"), "agent_response_correction_event");
            assertThat(correction.get("original_agent_response")).isEqualTo("Hi there");

            int audioAtInterruption = audioOf(peer, greetingId).length;
            Thread.sleep(300); // real-time pacing would have sent three more chunks by now
            assertThat(audioOf(peer, greetingId)).hasSize(audioAtInterruption);
            assertThat(audioAtInterruption).isLessThan(DemoAudio.greeting().length);
        }
    }

    @Test
    void testCanInterruptAReplyAfterItsAudioWasSent() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pacing(AudioPacing.BURST).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            long greetingId = ((Number) object(awaitEvent(peer, "agent_response"), "agent_response_event").get("event_id")).longValue();
            peer.await(() -> audioOf(peer, greetingId).length == DemoAudio.greeting().length ? true : null, TIMEOUT, "greeting incomplete");
            agent.conversations().getFirst().interrupt();
            Map<String, Object> interruption = object(awaitEvent(peer, "interruption"), "interruption_event");
            assertThat(((Number) interruption.get("event_id")).longValue()).isEqualTo(greetingId);
            Map<String, Object> correction = object(awaitEvent(peer, "agent_response_correction"), "agent_response_correction_event");
            assertThat((String) correction.get("corrected_agent_response")).isNotEqualTo("Hi there");
        }
    }

    @Test
    void testCanQueueExtraTurnsAndRawEvents() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pacing(AudioPacing.BURST).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            FakeConversation conversation = agent.conversations().getFirst();
            byte[] tenSeconds = new byte[80_000];
            java.util.Arrays.fill(tenSeconds, (byte) 0x55);
            conversation.speak("A long answer", tenSeconds);
            peer.await(() -> events(peer, "agent_response").size() == 2 ? true : null, TIMEOUT, "no second turn");
            long id = ((Number) object(events(peer, "agent_response").get(1), "agent_response_event").get("event_id")).longValue();
            peer.await(() -> audioOf(peer, id).length == tenSeconds.length ? true : null, TIMEOUT, "long turn incomplete");
            assertThat(audioOf(peer, id)).isEqualTo(tenSeconds);

            assertThat(conversation.sendRaw("{\"type\":\"error\",\"message\":\"simulated\"}")).isTrue();
            assertThat(AgentPeer.awaitEvent(peer, "error").get("message")).isEqualTo("simulated");
        }
    }

    @Test
    void pcm16000ModeSpeaksAndHearsLinearPcm() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .audioFormat(WireAudioFormat.PCM_16000).pacing(AudioPacing.BURST).bargeIn(false).endCallAfterReply(false).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            Map<String, Object> metadata = object(awaitEvent(peer, "conversation_initiation_metadata"), "conversation_initiation_metadata_event");
            assertThat(metadata.get("agent_output_audio_format")).isEqualTo("pcm_16000");
            assertThat(metadata.get("user_input_audio_format")).isEqualTo("pcm_16000");
            long greetingId = ((Number) object(awaitEvent(peer, "agent_response"), "agent_response_event").get("event_id")).longValue();
            byte[] expected = WireAudioFormat.PCM_16000.fromUlaw8000(DemoAudio.greeting());
            assertThat(expected).hasSize(DemoAudio.greeting().length * 4);
            peer.await(() -> audioOf(peer, greetingId).length == expected.length ? true : null, TIMEOUT, "greeting incomplete");
            assertThat(audioOf(peer, greetingId)).isEqualTo(expected);

            ByteArrayOutputStream speech = new ByteArrayOutputStream();
            speech.writeBytes(AgentPeer.ulawSilence(1000));
            speech.writeBytes(DemoAudio.callerPhrase());
            speech.writeBytes(AgentPeer.ulawSilence(800));
            AgentPeer.sendAudio(peer, WireAudioFormat.PCM_16000.fromUlaw8000(speech.toByteArray()), 640);
            assertThat(object(awaitEvent(peer, "user_transcript"), "user_transcription_event").get("user_transcript")).isEqualTo("I heard you");
        }
    }

    @Test
    void realTimePacingSpreadsAudioOverItsDurationAndBurstDoesNot() throws Exception {
        byte[] oneSecond = java.util.Arrays.copyOf(DemoAudio.greeting(), 8000);
        Duration realTime = greetingSpread(AudioPacing.REAL_TIME, oneSecond);
        Duration burst = greetingSpread(AudioPacing.BURST, DemoAudio.greeting());
        // 10 chunks of 100 ms: the last leaves 900 ms after the first.
        assertThat(realTime).isBetween(Duration.ofMillis(850), Duration.ofMillis(1300));
        assertThat(burst).as("4.5 s of audio sent in a burst").isLessThan(Duration.ofMillis(500));
    }

    private Duration greetingSpread(AudioPacing pacing, byte[] greeting) throws Exception {
        try (FakeElevenLabsAgent fake = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .pacing(pacing).greeting("Hello", greeting).build());
             JdkWebSocketPeer peer = AgentPeer.connect(fake, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            peer.await(() -> audioOf(peer, 1).length == greeting.length ? true : null, Duration.ofSeconds(10), "greeting incomplete");
            List<Long> arrivals = peer.messages().stream().filter(m -> m.text() != null && AgentPeer.type(m.text()).equals("audio"))
                    .map(JdkWebSocketPeer.Received::atNanos).toList();
            assertThat(arrivals).hasSize((greeting.length + 799) / 800);
            return Duration.ofNanos(arrivals.getLast() - arrivals.getFirst());
        }
    }
}
