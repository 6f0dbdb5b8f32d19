package io.voiceagent.demo.agent;

import java.util.Map;
import java.util.Objects;

/** A message a client may send on the Conversational AI WebSocket, already checked for shape. */
sealed interface ClientMessage {

    /** {@code conversation_initiation_client_data}: must be the first message. */
    record Initiation(String json, Map<String, Object> fields, String firstMessageOverride, String languageOverride)
            implements ClientMessage {
        public Initiation {
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(fields, "fields");
        }
    }

    /** {@code {"user_audio_chunk":"<base64>"}}, carried without a {@code type}. */
    record UserAudioChunk(byte[] audio) implements ClientMessage {
        public UserAudioChunk {
            Objects.requireNonNull(audio, "audio");
        }
    }

    /** {@code {"type":"pong","event_id":N}} answering a ping. */
    record Pong(long eventId) implements ClientMessage {
    }

    /** {@code {"type":"contextual_update","text":...}}: background information, no reply expected. */
    record ContextualUpdate(String text) implements ClientMessage {
    }

    /** {@code {"type":"client_tool_result","tool_call_id":...,"result":...,"is_error":...}}. */
    record ClientToolResult(String toolCallId, String result, boolean isError) implements ClientMessage {
    }

    /** {@code {"type":"user_message","text":...}}: typed user input. */
    record UserMessage(String text) implements ClientMessage {
    }

    /** {@code {"type":"user_activity"}}: keeps the agent from talking over a user who is busy. */
    record UserActivity() implements ClientMessage {
    }
}
