package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.CloseStatus;
import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.voiceagent.demo.agent.AgentPeer.INITIATION;
import static io.voiceagent.demo.agent.AgentPeer.TIMEOUT;
import static io.voiceagent.demo.agent.AgentPeer.awaitEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** How each side ending a conversation is seen and recorded. */
@Tag("slow")
class ConversationEndTest {
    private FakeElevenLabsAgent agent;

    @BeforeEach
    void start() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults());
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void clientCloseIsRecordedWithItsCode() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            peer.sendClose(1000, "caller hung up");
            peer.awaitClose(TIMEOUT);
        }
        CloseStatus status = agent.conversations().getFirst().awaitClose(TIMEOUT).orElseThrow();
        assertThat(status).isEqualTo(new CloseStatus(1000, "caller hung up", true));
        assertThat(agent.openConversations()).isZero();
    }

    @Test
    void droppedConnectionIsRecordedAsAbnormal() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            peer.webSocket().abort();
        }
        assertThat(agent.conversations().getFirst().awaitClose(TIMEOUT).orElseThrow().code()).isEqualTo(1006);
    }

    @Test
    void agentSideCloseReachesTheClientWithCodeAndReason() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            agent.conversations().getFirst().close(1011, "simulated internal error");
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1011);
            assertThat(peer.closeReason()).isEqualTo("simulated internal error");
        }
    }

    @Test
    void stoppingTheFakeEndsOpenConversationsWithGoingAway() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=demo-agent", Map.of())) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
            agent.close();
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1001);
        }
        assertThat(agent.openConversations()).isZero();
    }
}
