package io.voiceagent.ai;

import java.util.Locale;
import java.util.Optional;

/**
 * Why the agent side ended or refused a call; {@link #wireName()} is what goes on the call record.
 * The close codes and {@code error_type}s are the ones ElevenLabs' AsyncAPI contract lists:
 * 1000 normal (agent ended, max duration), 1002 operational (timeouts, LLM/TTS/ASR failures),
 * 1008 input or contract errors (auth, overrides not enabled, missing dynamic variables),
 * 1011 internal errors.
 */
public enum AgentCause {
    /** The agent closed with 1000 on its own (max duration, or a close without end_call). */
    AGENT_ENDED("agent_ended"),
    /** The agent's end_call tool (system or client form): its goodbye played, then BYE. */
    AGENT_END_CALL("agent_end_call"),
    /** 1008: the agent refused what we sent (override not enabled, missing dynamic variable, auth). */
    AI_REJECTED("ai_rejected"),
    /** 1011: an unexpected error inside ElevenLabs. */
    AI_SERVER_ERROR("ai_server_error"),
    /** 1002 with {@code transport_receive_timeout}: no caller audio reached the agent for its no-input timeout. */
    AI_INPUT_TIMEOUT("ai_input_timeout"),
    /** 1002 for any other reason: an LLM, TTS or ASR failure, a safety violation, an internal timeout. */
    AI_OPERATIONAL_ERROR("ai_operational_error"),
    /** The socket broke without a close frame (1006). */
    AI_CONNECTION_LOST("ai_connection_lost"),
    /** Any other close code. */
    AI_CLOSED("ai_closed"),
    /** 401/403 on the handshake or the signed-URL request. */
    AI_UNAUTHORIZED("ai_unauthorized"),
    /** 404: no such agent, or a wrong URL. */
    AI_NOT_FOUND("ai_not_found"),
    /** The conversation did not start within the handshake timeout. */
    AI_TIMEOUT("ai_timeout"),
    /** ElevenLabs could not be reached (DNS, TCP, TLS, 429 or 5xx on the handshake). */
    AI_UNREACHABLE("ai_unreachable"),
    /** ElevenLabs sent something that breaks the protocol. */
    AI_PROTOCOL("ai_protocol"),
    /** The agent's audio formats are ones the bridge does not convert. */
    AI_UNSUPPORTED_FORMAT("ai_unsupported_format");

    static final int NORMAL_CLOSURE = 1000;
    static final int PROTOCOL_ERROR = 1002;
    static final int ABNORMAL_CLOSURE = 1006;
    static final int POLICY_VIOLATION = 1008;
    static final int INTERNAL_ERROR = 1011;
    /** The {@code error_type} ElevenLabs gives its no-input timeout. */
    static final String NO_INPUT_ERROR_TYPE = "transport_receive_timeout";

    private final String wireName;

    AgentCause(String wireName) {
        this.wireName = wireName;
    }

    /** The cause as the call record and {@code /debug/ai/check} show it, written out so renaming a constant changes neither. */
    public String wireName() {
        return wireName;
    }

    /**
     * The cause of a close with {@code code}: the {@code error_type} of an {@code error} event that came
     * before it (if any) and the close reason tell a no-input timeout from other 1002s.
     */
    public static AgentCause ofClose(int code, Optional<String> errorType, String reason) {
        return switch (code) {
            case NORMAL_CLOSURE -> AGENT_ENDED;
            case POLICY_VIOLATION -> AI_REJECTED;
            case INTERNAL_ERROR -> AI_SERVER_ERROR;
            case ABNORMAL_CLOSURE -> AI_CONNECTION_LOST;
            case PROTOCOL_ERROR -> isNoInputTimeout(errorType, reason) ? AI_INPUT_TIMEOUT : AI_OPERATIONAL_ERROR;
            default -> AI_CLOSED;
        };
    }

    private static boolean isNoInputTimeout(Optional<String> errorType, String reason) {
        if (errorType.filter(NO_INPUT_ERROR_TYPE::equals).isPresent()) {
            return true;
        }
        String lower = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return lower.contains(NO_INPUT_ERROR_TYPE) || lower.contains("no user input")
                || lower.contains("receive timeout") || lower.contains("inactivity");
    }
}
