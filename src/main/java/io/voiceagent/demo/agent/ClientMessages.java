package io.voiceagent.demo.agent;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/** Parses client messages of the Conversational AI WebSocket and checks their shape. */
final class ClientMessages {
    private static final String AUDIO_PREFIX = "{\"user_audio_chunk\":\"";
    private static final String AUDIO_SUFFIX = "\"}";

    private ClientMessages() {
    }

    static ClientMessage parse(String text) throws InvalidClientMessage {
        ClientMessage.UserAudioChunk fast = parseCompactAudioChunk(text);
        if (fast != null) {
            return fast;
        }
        Map<String, Object> fields;
        try {
            fields = JSON.std.mapFrom(text);
        } catch (IOException | RuntimeException e) {
            throw new InvalidClientMessage("Invalid message received: not a JSON object");
        }
        if (fields == null) {
            throw new InvalidClientMessage("Invalid message received: not a JSON object");
        }
        if (fields.containsKey("user_audio_chunk")) {
            return new ClientMessage.UserAudioChunk(decodeAudio(fields.get("user_audio_chunk")));
        }
        Object type = fields.get("type");
        if (!(type instanceof String typeName)) {
            throw new InvalidClientMessage("Invalid message received: missing type");
        }
        return switch (typeName) {
            case "conversation_initiation_client_data" -> initiation(text, fields);
            case "pong" -> new ClientMessage.Pong(requireInteger(fields.get("event_id"), "pong.event_id"));
            case "contextual_update" -> new ClientMessage.ContextualUpdate(requireString(fields.get("text"), "contextual_update.text"));
            case "user_message" -> new ClientMessage.UserMessage(requireString(fields.get("text"), "user_message.text"));
            case "user_activity" -> new ClientMessage.UserActivity();
            case "client_tool_result" -> new ClientMessage.ClientToolResult(
                    requireString(fields.get("tool_call_id"), "client_tool_result.tool_call_id"),
                    String.valueOf(fields.get("result")),
                    Boolean.TRUE.equals(fields.get("is_error")));
            default -> throw new InvalidClientMessage("Invalid message received: unknown type " + typeName);
        };
    }

    /**
     * Audio chunks are most of the traffic (50 a second per call at 20 ms), so the compact form is taken
     * apart without a JSON parser; it is valid JSON exactly when the value holds only base64 characters.
     */
    private static ClientMessage.UserAudioChunk parseCompactAudioChunk(String text) {
        if (!text.startsWith(AUDIO_PREFIX) || !text.endsWith(AUDIO_SUFFIX) || text.length() < AUDIO_PREFIX.length() + AUDIO_SUFFIX.length()) {
            return null;
        }
        String value = text.substring(AUDIO_PREFIX.length(), text.length() - AUDIO_SUFFIX.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
            if (!base64) {
                return null;
            }
        }
        try {
            return new ClientMessage.UserAudioChunk(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            return null; // let the full parser produce the error message
        }
    }

    private static byte[] decodeAudio(Object value) throws InvalidClientMessage {
        if (!(value instanceof String base64)) {
            throw new InvalidClientMessage("Invalid message received: user_audio_chunk must be a base64 string");
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidClientMessage("Invalid message received: user_audio_chunk is not valid base64");
        }
    }

    /** The documented shape: optional conversation_config_override.agent.{prompt.prompt, first_message, language}, tts, dynamic_variables. */
    private static ClientMessage.Initiation initiation(String json, Map<String, Object> fields) throws InvalidClientMessage {
        String firstMessage = null;
        String language = null;
        Map<String, Object> override = optionalObject(fields.get("conversation_config_override"), "conversation_config_override");
        if (override != null) {
            Map<String, Object> agent = optionalObject(override.get("agent"), "conversation_config_override.agent");
            if (agent != null) {
                Map<String, Object> prompt = optionalObject(agent.get("prompt"), "conversation_config_override.agent.prompt");
                if (prompt != null && prompt.containsKey("prompt")) {
                    requireString(prompt.get("prompt"), "conversation_config_override.agent.prompt.prompt");
                }
                if (agent.containsKey("first_message")) {
                    firstMessage = requireString(agent.get("first_message"), "conversation_config_override.agent.first_message");
                }
                if (agent.containsKey("language")) {
                    language = requireString(agent.get("language"), "conversation_config_override.agent.language");
                }
            }
            optionalObject(override.get("tts"), "conversation_config_override.tts");
        }
        Map<String, Object> variables = optionalObject(fields.get("dynamic_variables"), "dynamic_variables");
        if (variables != null) {
            for (Map.Entry<String, Object> variable : variables.entrySet()) {
                Object value = variable.getValue();
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    throw new InvalidClientMessage("Invalid conversation_initiation_client_data: dynamic variable "
                            + variable.getKey() + " must be a string, number or boolean");
                }
            }
        }
        optionalObject(fields.get("custom_llm_extra_body"), "custom_llm_extra_body");
        return new ClientMessage.Initiation(json, fields, firstMessage, language);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalObject(Object value, String name) throws InvalidClientMessage {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new InvalidClientMessage("Invalid conversation_initiation_client_data: " + name + " must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static String requireString(Object value, String name) throws InvalidClientMessage {
        if (!(value instanceof String text)) {
            throw new InvalidClientMessage("Invalid message received: " + name + " must be a string");
        }
        return text;
    }

    private static long requireInteger(Object value, String name) throws InvalidClientMessage {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw new InvalidClientMessage("Invalid message received: " + name + " must be an integer");
    }
}
