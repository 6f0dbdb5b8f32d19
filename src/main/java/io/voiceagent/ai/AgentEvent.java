package io.voiceagent.ai;

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
