package io.voiceagent.ai;

/**
 * Receives a conversation's events, one at a time, in order, on the socket's reader. The reader
 * never waits for anything else (that is what keeps pongs prompt and interruptions immediate under a
 * burst of agent audio), so a listener must not block: it queues, records and returns.
 */
@FunctionalInterface
public interface AgentListener {
    void onEvent(AgentEvent event);
}
