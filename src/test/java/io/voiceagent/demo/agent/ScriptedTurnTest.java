package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
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
@Tag("slow")
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
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().speechSpeed(1000).bargeIn(false).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            sent.writeBytes(AgentPeer.ulawSilence(1000));
            sent.writeBytes(DemoAudio.callerPhrase());
            AgentPeer.sendAudio(peer, sent.toByteArray(), 160);
            // The agent ends its turn after 500 ms of this and may close before the rest is sent.
            byte[] trailingSilence = AgentPeer.ulawSilence(800);
            sent.writeBytes(trailingSilence);
            AgentPeer.sendAudioUntilClosed(peer, trailingSilence, 160);

            Map<String, Object> transcript = object(awaitEvent(peer, "user_transcript"), "user_transcription_event");
            assertThat(transcript.get("user_transcript")).isEqualTo("I heard you");
            // end_call as the real service runs it: a system tool, reported, then a close with 1000
            Map<String, Object> toolResponse = object(awaitEvent(peer, "agent_tool_response"), "agent_tool_response");
            assertThat(toolResponse).containsEntry("tool_name", "end_call").containsEntry("tool_type", "system")
                    .containsEntry("is_error", false);
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1000);

            List<Map<String, Object>> responses = events(peer, "agent_response");
            assertThat(responses).hasSize(2);
            Map<String, Object> reply = object(responses.get(1), "agent_response_event");
            assertThat(reply.get("agent_response")).isEqualTo("Thank you. Goodbye!");
            assertThat(audioOf(peer, ((Number) reply.get("event_id")).longValue())).isEqualTo(DemoAudio.reply());

            List<String> order = peer.texts().stream().map(AgentPeer::type).filter(type -> !type.equals("audio") && !type.equals("ping")).toList();
            assertThat(order).containsExactly("conversation_initiation_metadata", "agent_response", "user_transcript", "agent_response", "agent_tool_response");

            // All of it up to the end of the phrase, byte for byte; of the trailing silence, what came before the
            // agent's close (the agent may close while the last chunks are still on their way).
            FakeConversation conversation = agent.conversations().getFirst();
            byte[] heard = conversation.userAudio();
            assertThat(heard.length).isGreaterThanOrEqualTo(8000 + DemoAudio.callerPhrase().length);
            assertThat(heard).isEqualTo(java.util.Arrays.copyOf(sent.toByteArray(), heard.length));
            assertThat(conversation.userAudioChunks()).hasSize(heard.length / 160).allMatch(chunk -> chunk.bytes() == 160);
        }
    }

    @Test
    void silenceAloneGetsNoReply() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().speechSpeed(1000).build());
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
            // The agent sends everything from one thread, in order: once the transcript of the caller's phrase
            // (due when silence ends it) has come, any greeting audio still to be sent would be here.
            AgentPeer.sendAudio(peer, AgentPeer.ulawSilence(800), 160);
            awaitEvent(peer, "user_transcript");
            assertThat(audioOf(peer, greetingId)).hasSize(audioAtInterruption);
            assertThat(audioAtInterruption).isLessThan(DemoAudio.greeting().length);
        }
    }

    @Test
    void testCanInterruptAReplyAfterItsAudioWasSent() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().speechSpeed(1000).build());
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
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().speechSpeed(1000).build());
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
                .audioFormat(WireAudioFormat.PCM_16000).speechSpeed(1000).bargeIn(false).endCallAfterReply(false).build());
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
    void speechGoesOutAheadOfRealTimeInUnevenBurstsButIsStillPaced() throws Exception {
        byte[] oneSecond = java.util.Arrays.copyOf(DemoAudio.greeting(), 8000);
        List<Long> realTime = greetingArrivals(1, oneSecond);
        byte[] fourSeconds = java.util.Arrays.copyOf(DemoAudio.greeting(), 32000);
        List<Long> fourTimes = greetingArrivals(FakeAgentOptions.DEFAULT_SPEECH_SPEED, fourSeconds);

        // 10 chunks of 100 ms at real time: the last is due 900 ms after the first.
        assertThat(realTime.getLast() - realTime.getFirst()).isGreaterThanOrEqualTo(Duration.ofMillis(850).toNanos());
        // 40 chunks at 4x: the last burst starts at chunk 33 or later, due at least 33 * 25 ms after the first.
        assertThat(fourTimes.getLast() - fourTimes.getFirst()).isGreaterThanOrEqualTo(Duration.ofMillis(775).toNanos());
        // Chunks travel together in bursts (1 to 7 at once), so far fewer than 39 gaps are a chunk's time apart.
        long gaps = 0;
        for (int i = 1; i < fourTimes.size(); i++) {
            if (fourTimes.get(i) - fourTimes.get(i - 1) >= Duration.ofMillis(20).toNanos()) {
                gaps++;
            }
        }
        assertThat(gaps).isBetween(1L, 30L);
    }

    private List<Long> greetingArrivals(double speechSpeed, byte[] greeting) throws Exception {
        try (FakeElevenLabsAgent fake = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .speechSpeed(speechSpeed).greeting("Hello", greeting).build());
             JdkWebSocketPeer peer = AgentPeer.connect(fake, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            peer.await(() -> audioOf(peer, 1).length == greeting.length ? true : null, Duration.ofSeconds(10), "greeting incomplete");
            List<Long> arrivals = peer.messages().stream().filter(m -> m.text() != null && AgentPeer.type(m.text()).equals("audio"))
                    .map(JdkWebSocketPeer.Received::atNanos).toList();
            assertThat(arrivals).hasSize((greeting.length + 799) / 800);
            return arrivals;
        }
    }
}
