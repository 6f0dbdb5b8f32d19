package io.voiceagent.ai;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Server events of a conversation that the call acts on. */
public sealed interface AgentEvent {

    /**
     * Agent speech in the agent output format. {@code eventId} names the agent turn it belongs to
     * (ElevenLabs' ids are 64-bit); audio of an interrupted turn is never delivered.
     */
    record Audio(byte[] audio, long eventId) implements AgentEvent {
        public Audio {
            Objects.requireNonNull(audio, "audio");
        }
    }

    record AgentResponse(String text) implements AgentEvent {
    }

    record AgentResponseCorrection(String correctedText) implements AgentEvent {
    }

    record UserTranscript(String text) implements AgentEvent {
    }

    /** The caller spoke over the agent: drop queued agent audio now. Audio up to {@code eventId} is cut off. */
    record Interruption(long eventId) implements AgentEvent {
    }

    /**
     * The agent's {@code end_call} tool, as a system tool ({@code agent_tool_response}) or a client
     * tool ({@code client_tool_call}): hang up once queued audio has played.
     */
    record EndCallRequested() implements AgentEvent {
    }

    /** Where a tool call came from, which says whether it is owed an answer. */
    enum ToolSource {
        /**
         * {@code client_tool_call}: a tool the user declared as a client tool; the agent waits for
         * {@link AgentConversation#sendToolResult}.
         */
        CLIENT,
        /** {@code agent_tool_response} with {@code tool_type} {@code system}: the server ran it; no answer is sent. */
        SYSTEM
    }

    /**
     * A tool other than {@code end_call} for the call to act on. {@code toolCallId} is empty when a
     * system tool's event names none; {@code parameters} are the tool's arguments, empty when the
     * event carries none.
     */
    record ToolCall(String toolName, String toolCallId, Map<String, Object> parameters, ToolSource source)
            implements AgentEvent {
        public ToolCall {
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(toolCallId, "toolCallId");
            Objects.requireNonNull(source, "source");
            parameters = Map.copyOf(parameters);
        }
    }

    /**
     * An {@code error} event: the server is about to close. {@code code} is the close code it names
     * (1002, 1008, 1011), {@code errorType} its {@code error_type}, {@code message} what it says.
     */
    record ServerError(OptionalInt code, Optional<String> errorType, String message) implements AgentEvent {
        public ServerError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The socket closed; 1000 is the agent ending the conversation normally, 1006 a lost connection. */
    record Closed(int code, String reason) implements AgentEvent {
    }
}
