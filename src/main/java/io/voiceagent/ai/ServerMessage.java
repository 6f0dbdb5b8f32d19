package io.voiceagent.ai;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** One complete message from the ElevenLabs conversation socket, decoded from its JSON. */
sealed interface ServerMessage {

    /** {@code conversation_initiation_metadata}: the conversation exists; formats are agent settings. */
    record Metadata(String conversationId, String agentOutputFormat, String userInputFormat)
            implements ServerMessage {
        public Metadata {
            Objects.requireNonNull(conversationId, "conversationId");
            Objects.requireNonNull(agentOutputFormat, "agentOutputFormat");
            Objects.requireNonNull(userInputFormat, "userInputFormat");
        }
    }

    record Audio(byte[] audio, long eventId) implements ServerMessage {
        public Audio {
            Objects.requireNonNull(audio, "audio");
        }
    }

    record AgentResponse(String text) implements ServerMessage {
    }

    record AgentResponseCorrection(String originalText, String correctedText) implements ServerMessage {
    }

    record UserTranscript(String text) implements ServerMessage {
    }

    /** {@code eventId} is absent when the server did not say which audio it cut off. */
    record Interruption(OptionalLong eventId) implements ServerMessage {
    }

    /** {@code pingMs} is the server's latency estimate, for information only. */
    record Ping(long eventId, OptionalLong pingMs) implements ServerMessage {
    }

    record ClientToolCall(String toolName, String toolCallId, Map<String, Object> parameters)
            implements ServerMessage {
        public ClientToolCall {
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(toolCallId, "toolCallId");
            parameters = Map.copyOf(parameters);
        }
    }

    /**
     * {@code agent_tool_response}: a tool the server ran itself ({@code tool_type} {@code system} for
     * {@code end_call}) or a client/webhook/MCP tool's outcome. {@code toolCallId} is empty and
     * {@code parameters} are empty when the event carries none.
     */
    record AgentToolResponse(String toolName, String toolCallId, String toolType, boolean isError,
                             Map<String, Object> parameters) implements ServerMessage {
        public AgentToolResponse {
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(toolCallId, "toolCallId");
            Objects.requireNonNull(toolType, "toolType");
            parameters = Map.copyOf(parameters);
        }
    }

    /**
     * An {@code error} message ({@code error_event}): {@code code} is the close code that follows,
     * {@code errorType} the contract's {@code error_type}; {@code message} is what the server said,
     * shortened for a log line and the call record.
     */
    record Error(OptionalInt code, Optional<String> errorType, String message) implements ServerMessage {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(message, "message");
        }
    }

    /** A message the bridge has no use for ({@code vad_score}, tentative responses, ...). */
    record Ignored(String type) implements ServerMessage {
    }
}
