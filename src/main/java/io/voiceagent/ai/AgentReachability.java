package io.voiceagent.ai;

/**
 * Whether the agent could be reached, as the last attempt to open a conversation found it (a call's,
 * or {@code /debug/ai/check}'s): read by {@code /health} without a request of its own.
 */
public enum AgentReachability {
    /** No conversation has been opened yet since the start. */
    UNKNOWN("unknown"),
    /** The last conversation opened: the agent answered with its metadata. */
    OK("ok"),
    /** The last conversation could not be opened (unreachable, refused, timed out). */
    FAILING("failing");

    private final String wireName;

    AgentReachability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
