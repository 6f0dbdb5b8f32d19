package io.voiceagent.ai;

/** Server events of a conversation that the call acts on. */
public sealed interface AgentEvent {

    /** Agent speech in the agent output format; audio of an interrupted response is never delivered. */
    record Audio(byte[] audio, int eventId) implements AgentEvent {
    }

    record AgentResponse(String text) implements AgentEvent {
    }

    record AgentResponseCorrection(String correctedText) implements AgentEvent {
    }

    record UserTranscript(String text) implements AgentEvent {
    }

    /** The caller spoke over the agent: drop queued agent audio now. */
    record Interruption(int eventId) implements AgentEvent {
    }

    /** The agent's {@code end_call} tool: hang up once queued audio has played. */
    record EndCallRequested() implements AgentEvent {
    }

    /** The socket closed; 1000 is the agent ending the conversation normally. */
    record Closed(int code, String reason) implements AgentEvent {
    }
}
