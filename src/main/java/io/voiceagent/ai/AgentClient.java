package io.voiceagent.ai;

import java.util.concurrent.CompletableFuture;

/** Opens conversations with the configured ElevenLabs agent. */
public interface AgentClient {

    /**
     * Connects, sends the initiation frame and completes once the conversation metadata has arrived.
     * Fails with {@link AgentException} when the agent is unreachable or refuses (with a cause for
     * the call record). Events after the metadata go to {@code listener}.
     */
    CompletableFuture<AgentConversation> connect(ConversationRequest request, AgentListener listener);

    /** What the last attempt to open a conversation found; cheap, no request of its own. */
    default AgentReachability reachability() {
        return AgentReachability.UNKNOWN;
    }
}
