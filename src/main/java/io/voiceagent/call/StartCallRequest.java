package io.voiceagent.call;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated request to place a call. {@code phoneNumber} is E.164 digits without '+'.
 * The optional fields are per-call overrides for the AI agent.
 */
public record StartCallRequest(String phoneNumber, Optional<String> firstMessage, Optional<String> prompt,
                               Optional<String> language, Map<String, Object> dynamicVariables,
                               Map<String, Object> metadata) {
    public StartCallRequest {
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(firstMessage, "firstMessage");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(language, "language");
        dynamicVariables = Map.copyOf(dynamicVariables);
        metadata = Map.copyOf(metadata);
    }

    public static StartCallRequest of(String phoneNumber) {
        return new StartCallRequest(phoneNumber, Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(), Map.of());
    }
}
