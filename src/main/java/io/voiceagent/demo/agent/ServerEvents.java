package io.voiceagent.demo.agent;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of the events the server sends, in the current ElevenLabs shapes ({@code type} plus a {@code *_event} object). */
final class ServerEvents {
    /** ElevenLabs sends explicit nulls (e.g. {@code "ping_ms":null} on the first ping), so they are written. */
    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private ServerEvents() {
    }

    static String initiationMetadata(String conversationId, WireAudioFormat format) {
        return event("conversation_initiation_metadata", "conversation_initiation_metadata_event",
                ordered("conversation_id", conversationId,
                        "agent_output_audio_format", format.wireName(),
                        "user_input_audio_format", format.wireName()));
    }

    static String agentResponse(String text, long eventId) {
        return event("agent_response", "agent_response_event", ordered("agent_response", text, "event_id", eventId));
    }

    static String agentResponseCorrection(String original, String corrected, long eventId) {
        return event("agent_response_correction", "agent_response_correction_event",
                ordered("original_agent_response", original, "corrected_agent_response", corrected, "event_id", eventId));
    }

    static String userTranscript(String text, long eventId) {
        return event("user_transcript", "user_transcription_event", ordered("user_transcript", text, "event_id", eventId));
    }

    static String audio(byte[] chunk, long eventId) {
        // Hand-built: audio is most of what is sent, and base64 needs no JSON escaping.
        return "{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"" + Base64.getEncoder().encodeToString(chunk)
                + "\",\"event_id\":" + eventId + "}}";
    }

    static String interruption(long eventId) {
        return event("interruption", "interruption_event", ordered("event_id", eventId));
    }

    static String ping(long eventId, Long lastPingMillis) {
        return event("ping", "ping_event", ordered("event_id", eventId, "ping_ms", lastPingMillis));
    }

    static String clientToolCall(String toolName, String toolCallId, Map<String, Object> parameters) {
        Map<String, Object> call = ordered("tool_name", toolName, "tool_call_id", toolCallId, "parameters", parameters);
        return json(ordered("type", "client_tool_call", "client_tool_call", call));
    }

    /** How the real service reports a system tool it ran, e.g. {@code end_call}. */
    static String agentToolResponse(String toolName, String toolCallId, String toolType, long eventId) {
        Map<String, Object> response = ordered("tool_name", toolName, "tool_call_id", toolCallId, "tool_type", toolType,
                "is_error", false, "is_called", true, "event_id", eventId);
        return json(ordered("type", "agent_tool_response", "agent_tool_response", response));
    }

    private static String event(String type, String payloadName, Map<String, Object> payload) {
        return json(ordered("type", type, payloadName, payload));
    }

    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static String json(Map<String, Object> map) {
        try {
            return WRITER.asString(map);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising a server event", e);
        }
    }
}
