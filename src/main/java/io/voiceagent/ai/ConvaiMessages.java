package io.voiceagent.ai;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The JSON of the ElevenLabs Conversational AI WebSocket protocol, both ways. Client messages are
 * built from the fields the protocol defines and nothing else; server messages are decoded into
 * {@link ServerMessage}s, and anything that does not fit fails with {@code ai_protocol}.
 */
final class ConvaiMessages {
    private static final int MAX_SUMMARY_CHARS = 200;

    private ConvaiMessages() {
    }

    /** The first frame: only the overrides the start request gave, none of the agent's defaults. */
    static String conversationInitiation(ConversationRequest request) {
        Map<String, Object> agent = new LinkedHashMap<>();
        request.firstMessage().ifPresent(m -> agent.put("first_message", m));
        request.prompt().ifPresent(p -> agent.put("prompt", Map.of("prompt", p)));
        request.language().ifPresent(l -> agent.put("language", l));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "conversation_initiation_client_data");
        if (!agent.isEmpty()) {
            message.put("conversation_config_override", Map.of("agent", agent));
        }
        if (!request.dynamicVariables().isEmpty()) {
            message.put("dynamic_variables", new LinkedHashMap<>(request.dynamicVariables()));
        }
        return write(message);
    }

    /** Caller audio: the one client message that has no {@code type} field. */
    static String userAudioChunk(byte[] audio) {
        // The hot path (50 messages a second per call): base64 needs no JSON escaping, so the frame is
        // built directly instead of through a map and the JSON writer.
        return "{\"user_audio_chunk\":\"" + Base64.getEncoder().encodeToString(audio) + "\"}";
    }

    static String pong(long eventId) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "pong");
        message.put("event_id", eventId);
        return write(message);
    }

    /** Tells the agent the user is busy: it does not take a turn for about 2 s after one (per the SDKs). */
    static String userActivity() {
        return "{\"type\":\"user_activity\"}";
    }

    static String contextualUpdate(String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "contextual_update");
        message.put("text", text);
        return write(message);
    }

    static String clientToolResult(String toolCallId, String result, boolean isError) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "client_tool_result");
        message.put("tool_call_id", toolCallId);
        message.put("result", result);
        message.put("is_error", isError);
        return write(message);
    }

    static ServerMessage parse(String text) throws AgentException {
        Map<String, Object> message;
        try {
            message = JSON.std.mapFrom(text);
        } catch (IOException | RuntimeException e) {
            throw protocol("a frame that is not a JSON object");
        }
        if (message == null) {
            throw protocol("an empty frame");
        }
        String type = string(message, "type", "message");
        return switch (type) {
            case "conversation_initiation_metadata" -> {
                Map<String, Object> event = object(message, "conversation_initiation_metadata_event");
                yield new ServerMessage.Metadata(string(event, "conversation_id", type),
                        string(event, "agent_output_audio_format", type),
                        string(event, "user_input_audio_format", type));
            }
            case "audio" -> {
                Map<String, Object> event = object(message, "audio_event");
                yield new ServerMessage.Audio(base64(string(event, "audio_base_64", type)),
                        number(event, "event_id", type));
            }
            case "agent_response" -> new ServerMessage.AgentResponse(
                    string(object(message, "agent_response_event"), "agent_response", type));
            case "agent_response_correction" -> {
                Map<String, Object> event = object(message, "agent_response_correction_event");
                yield new ServerMessage.AgentResponseCorrection(
                        optionalString(event, "original_agent_response"),
                        string(event, "corrected_agent_response", type));
            }
            case "user_transcript" -> new ServerMessage.UserTranscript(
                    string(object(message, "user_transcription_event"), "user_transcript", type));
            case "interruption" -> new ServerMessage.Interruption(
                    optionalNumber(optionalObject(message, "interruption_event"), "event_id"));
            case "ping" -> {
                Map<String, Object> event = object(message, "ping_event");
                yield new ServerMessage.Ping(number(event, "event_id", type), optionalNumber(event, "ping_ms"));
            }
            case "client_tool_call" -> {
                Map<String, Object> call = object(message, "client_tool_call");
                yield new ServerMessage.ClientToolCall(string(call, "tool_name", type),
                        string(call, "tool_call_id", type), optionalObject(call, "parameters"));
            }
            case "agent_tool_response" -> {
                Map<String, Object> response = object(message, "agent_tool_response");
                yield new ServerMessage.AgentToolResponse(string(response, "tool_name", type),
                        optionalString(response, "tool_call_id"), optionalString(response, "tool_type"),
                        Boolean.TRUE.equals(response.get("is_error")), optionalObject(response, "parameters"));
            }
            case "error" -> {
                Map<String, Object> event = optionalObject(message, "error_event");
                OptionalLong code = optionalNumber(event, "code");
                String errorType = optionalString(event, "error_type");
                String said = optionalString(event, "message");
                yield new ServerMessage.Error(
                        code.isPresent() ? OptionalInt.of((int) code.getAsLong()) : OptionalInt.empty(),
                        errorType.isEmpty() ? Optional.empty() : Optional.of(errorType),
                        shorten(said.isEmpty() ? summary(message) : said));
            }
            default -> new ServerMessage.Ignored(type);
        };
    }

    private static String write(Map<String, Object> message) {
        try {
            return JSON.std.asString(message);
        } catch (IOException e) {
            // Only strings, numbers, booleans and maps of them are ever written.
            throw new IllegalStateException("cannot encode " + message.keySet(), e);
        }
    }

    private static Map<String, Object> object(Map<String, Object> message, String field) throws AgentException {
        if (message.get(field) instanceof Map<?, ?> map) {
            return stringKeyed(map);
        }
        throw protocol("a message without the object " + field);
    }

    private static Map<String, Object> optionalObject(Map<String, Object> message, String field) {
        return message.get(field) instanceof Map<?, ?> map ? stringKeyed(map) : Map.of();
    }

    private static Map<String, Object> stringKeyed(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                copy.put(String.valueOf(k), v);
            }
        });
        return copy;
    }

    private static String string(Map<String, Object> event, String field, String type) throws AgentException {
        if (event.get(field) instanceof String s) {
            return s;
        }
        throw protocol("a " + type + " message without the string " + field);
    }

    private static String optionalString(Map<String, Object> event, String field) {
        return event.get(field) instanceof String s ? s : "";
    }

    private static long number(Map<String, Object> event, String field, String type) throws AgentException {
        OptionalLong value = optionalNumber(event, field);
        if (value.isPresent()) {
            return value.getAsLong();
        }
        throw protocol("a " + type + " message without the number " + field);
    }

    private static OptionalLong optionalNumber(Map<String, Object> event, String field) {
        Object value = event.get(field);
        if (value instanceof Number n) {
            return OptionalLong.of(n.longValue());
        }
        if (value instanceof String s) {
            try {
                return OptionalLong.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private static byte[] base64(String audio) throws AgentException {
        try {
            return Base64.getDecoder().decode(audio);
        } catch (IllegalArgumentException e) {
            throw protocol("audio that is not valid base64");
        }
    }

    /** The readable parts of an error message without a {@code message} field: take its strings. */
    private static String summary(Map<String, Object> message) {
        StringBuilder out = new StringBuilder();
        collectStrings(message, out);
        return out.toString();
    }

    private static String shorten(String text) {
        return text.length() > MAX_SUMMARY_CHARS ? text.substring(0, MAX_SUMMARY_CHARS) + "..." : text;
    }

    private static void collectStrings(Map<?, ?> map, StringBuilder out) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                collectStrings(nested, out);
            } else if (v != null && !"type".equals(k)) {
                out.append(out.isEmpty() ? "" : ", ").append(k).append('=').append(v);
            }
        });
    }

    private static AgentException protocol(String what) {
        return new AgentException(AgentCause.AI_PROTOCOL, "ElevenLabs sent " + what);
    }
}
