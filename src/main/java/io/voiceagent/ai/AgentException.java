package io.voiceagent.ai;

/**
 * The agent could not be reached or refused the conversation. {@code cause} is short and stable
 * for the call record: {@code ai_unauthorized}, {@code ai_not_found}, {@code ai_timeout},
 * {@code ai_unreachable}, {@code ai_protocol}, {@code proxy_*}.
 */
public final class AgentException extends Exception {
    private final String cause;

    public AgentException(String cause, String message) {
        super(message);
        this.cause = cause;
    }

    public AgentException(String cause, String message, Throwable underlying) {
        super(message, underlying);
        this.cause = cause;
    }

    public String causeCode() {
        return cause;
    }
}
