package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.CloseStatus;
import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.voiceagent.demo.agent.AgentPeer.INITIATION;
import static io.voiceagent.demo.agent.AgentPeer.TIMEOUT;
import static io.voiceagent.demo.agent.AgentPeer.awaitEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** The conversation is closed with 1008 for what the service refuses, and with 1000 after a minute of no audio. */
class FirstMessageRulesTest {
    private FakeElevenLabsAgent agent;

    @BeforeEach
    void start() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .userAudioTimeout(Duration.ofMillis(400)).initiationTimeout(Duration.ofMillis(300)).build());
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void audioBeforeInitiationIsClosed1008() throws Exception {
        assertThat(closeCodeAfterFirst(AgentPeer.audioChunk(new byte[160]))).isEqualTo(1008);
    }

    @Test
    void malformedJsonFirstIsClosed1008() throws Exception {
        assertThat(closeCodeAfterFirst("{\"type\":\"conversation_initiation_client_data\"")).isEqualTo(1008);
    }

    @Test
    void initiationWithWronglyShapedOverrideIsClosed1008() throws Exception {
        assertThat(closeCodeAfterFirst("{\"type\":\"conversation_initiation_client_data\",\"conversation_config_override\":\"agent\"}")).isEqualTo(1008);
        assertThat(closeCodeAfterFirst("{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"x\":[1]}}")).isEqualTo(1008);
    }

    @Test
    void noInitiationWithinTheTimeoutIsClosed1008() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1008);
            assertThat(peer.closeReason()).contains("conversation_initiation_client_data not received");
        }
    }

    @Test
    void binaryFrameIsClosed1008() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendBinary(new byte[]{1, 2, 3});
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1008);
        }
    }

    @Test
    void malformedJsonLaterIsClosed1008WithAReason() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            peer.sendText("{not json");
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1008);
            assertThat(peer.closeReason()).contains("Invalid message");
        }
        CloseStatus status = agent.conversations().getFirst().awaitClose(TIMEOUT).orElseThrow();
        assertThat(status.code()).isEqualTo(1008);
        assertThat(status.initiatedByPeer()).isFalse();
    }

    @Test
    void noUserAudioForTheTimeoutEndsTheConversation() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1000);
            // The reason names the rule that closed it; when, on the agent's own clock, is not this test's to time.
            assertThat(peer.closeReason()).isEqualTo("Conversation ended: no user audio for 400 ms");
        }
    }

    @Test
    void userAudioKeepsTheConversationOpen() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            for (int i = 0; i < 40; i++) {
                peer.sendText(AgentPeer.audioChunk(AgentPeer.ulawSilence(20)));
                Thread.sleep(20); // real-time silence for 800 ms, twice the timeout
            }
            assertThat(agent.conversations().getFirst().closeStatus()).isEmpty();
        }
    }

    private int closeCodeAfterFirst(String message) throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(message);
            int code = peer.awaitClose(TIMEOUT);
            assertThat(peer.texts()).as("nothing is sent before the close").isEmpty();
            return code;
        }
    }
}
