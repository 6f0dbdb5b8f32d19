package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.voiceagent.demo.agent.AgentPeer.INITIATION;
import static io.voiceagent.demo.agent.AgentPeer.TIMEOUT;
import static io.voiceagent.demo.agent.AgentPeer.audioOf;
import static io.voiceagent.demo.agent.AgentPeer.awaitEvent;
import static io.voiceagent.demo.agent.AgentPeer.object;
import static io.voiceagent.demo.agent.AgentPeer.type;
import static org.assertj.core.api.Assertions.assertThat;

class ConversationStartTest {
    private FakeElevenLabsAgent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void initiationIsAnsweredWithMetadataThenTheGreetingTextAndItsAudio() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().speechSpeed(1000).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);

            Map<String, Object> metadata = object(awaitEvent(peer, "conversation_initiation_metadata"), "conversation_initiation_metadata_event");
            assertThat(metadata.get("agent_output_audio_format")).isEqualTo("ulaw_8000");
            assertThat(metadata.get("user_input_audio_format")).isEqualTo("ulaw_8000");
            assertThat((String) metadata.get("conversation_id")).startsWith("conv_");

            Map<String, Object> response = object(awaitEvent(peer, "agent_response"), "agent_response_event");
            assertThat(response.get("agent_response")).as("first_message override").isEqualTo("Hi there");
            long eventId = ((Number) response.get("event_id")).longValue();
            byte[] greeting = DemoAudio.greeting();
            peer.await(() -> audioOf(peer, eventId).length == greeting.length ? true : null, TIMEOUT, "greeting audio incomplete");
            assertThat(audioOf(peer, eventId)).isEqualTo(greeting);

            List<String> types = peer.texts().stream().map(AgentPeer::type).distinct().toList();
            assertThat(types).startsWith("conversation_initiation_metadata", "agent_response", "audio");

            FakeConversation conversation = agent.awaitConversation(0, TIMEOUT).orElseThrow();
            assertThat(conversation.initiationJson()).contains(INITIATION);
            assertThat(conversation.conversationId()).isEqualTo(metadata.get("conversation_id"));
        }
    }

    @Test
    void pingsCarryIncreasingEventIdsAndMatchingPongsAreRecorded() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pingInterval(Duration.ofMillis(50)).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            for (int expected = 1; expected <= 3; expected++) {
                int id = expected;
                String ping = peer.awaitText(text -> type(text).equals("ping")
                        && ((Number) object(AgentPeer.json(text), "ping_event").get("event_id")).intValue() == id, TIMEOUT).text();
                assertThat(ping).contains("\"ping_ms\"");
                peer.sendText("{\"type\":\"pong\",\"event_id\":" + id + "}");
            }
            FakeConversation conversation = agent.awaitConversation(0, TIMEOUT).orElseThrow();
            assertThat(conversation.awaitUntil(c -> c.pongs().size() == 3, TIMEOUT)).isTrue();
            assertThat(conversation.pongs()).extracting(PongReceived::eventId).containsExactly(1L, 2L, 3L);
            assertThat(conversation.unexpectedPongs()).isZero();
        }
    }

    @Test
    void pingsWithoutPongsAreCountedAsMissed() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().pingInterval(Duration.ofMillis(30)).build());
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            FakeConversation conversation = agent.awaitConversation(0, TIMEOUT).orElseThrow();
            assertThat(conversation.awaitUntil(c -> c.missedPongs() >= 2, TIMEOUT)).isTrue();
            peer.sendText("{\"type\":\"pong\",\"event_id\":999}");
            assertThat(conversation.awaitUntil(c -> c.unexpectedPongs() == 1, TIMEOUT)).isTrue();
            assertThat(conversation.pongs()).isEmpty();
        }
    }
}
