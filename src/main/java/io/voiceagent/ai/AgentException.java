package io.voiceagent.ai;

/**
 * The agent could not be reached or refused the conversation. {@code cause} is short and stable
 * for the call record: an {@link AgentCause}'s wire name, or a {@code proxy_*} cause of the SOCKS5 proxy.
 */
public final class AgentException extends Exception {
    private final String cause;

    public AgentException(String cause, String message) {
        super(message);
        this.cause = cause;
    }

    public AgentException(AgentCause cause, String message) {
        this(cause.wireName(), message);
    }

    public AgentException(AgentCause cause, String message, Throwable underlying) {
        this(cause.wireName(), message, underlying);
    }

    public AgentException(String cause, String message, Throwable underlying) {
        super(message, underlying);
        this.cause = cause;
    }

    public String causeCode() {
        return cause;
    }
}
