package io.voiceagent.ai;

import java.util.concurrent.CompletionStage;

/**
 * Receives a conversation's events, one at a time, in order. The next event is not read from the
 * socket until the returned stage completes: that is how a full audio queue slows the agent down.
 * Pings are answered by the client itself and never wait for this.
 */
@FunctionalInterface
public interface AgentListener {
    CompletionStage<?> onEvent(AgentEvent event);
}
