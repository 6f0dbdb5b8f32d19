package io.voiceagent.call;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated request to place a call. {@code phoneNumber} is E.164 digits without '+'.
 * The optional fields are per-call overrides for the AI agent; {@code callbackUrl} receives this
 * call's events instead of CALLBACK_URL; {@code record} overrides RECORDING for this call.
 */
public record StartCallRequest(String phoneNumber, Optional<String> firstMessage, Optional<String> prompt,
                               Optional<String> language, Map<String, Object> dynamicVariables,
                               Map<String, Object> metadata, Optional<URI> callbackUrl, Optional<Boolean> record) {
    public StartCallRequest {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(firstMessage, "firstMessage");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(language, "language");
        dynamicVariables = ordered(dynamicVariables);
        metadata = ordered(metadata);
    }

    /**
     * An unmodifiable copy that keeps the caller's order (a campaign's CSV columns come back in its
     * results in the order they were uploaded) and, like {@code Map.copyOf}, refuses nulls.
     */
    private static Map<String, Object> ordered(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key)));
        return Collections.unmodifiableMap(copy);
    }

    /** The same request with another first message (a recording notice before it). */
    public StartCallRequest withFirstMessage(String text) {
        return new StartCallRequest(phoneNumber, Optional.of(text), prompt, language, dynamicVariables, metadata,
                callbackUrl, record);
    }

    /** The request in the form {@code POST /api/calls/start} takes (absent fields left out). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("phone_number", phoneNumber);
        firstMessage.ifPresent(v -> m.put("first_message", v));
        prompt.ifPresent(v -> m.put("prompt", v));
        language.ifPresent(v -> m.put("language", v));
        m.put("dynamic_variables", dynamicVariables);
        m.put("metadata", metadata);
        callbackUrl.ifPresent(v -> m.put("callback_url", v.toString()));
        record.ifPresent(v -> m.put("record", v));
        return m;
    }

    /** Reads back what {@link #toJson} wrote (a journal's replay); the input was validated when it was taken. */
    @SuppressWarnings("unchecked")
    public static StartCallRequest fromJson(Map<String, Object> m) {
        return new StartCallRequest((String) Objects.requireNonNull(m.get("phone_number"), "phone_number"),
                Optional.ofNullable((String) m.get("first_message")), Optional.ofNullable((String) m.get("prompt")),
                Optional.ofNullable((String) m.get("language")),
                (Map<String, Object>) m.getOrDefault("dynamic_variables", Map.of()),
                (Map<String, Object>) m.getOrDefault("metadata", Map.of()),
                Optional.ofNullable((String) m.get("callback_url")).map(URI::create),
                m.get("record") instanceof Boolean b ? Optional.of(b) : Optional.empty());
    }
}
