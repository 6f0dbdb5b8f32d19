package io.voiceagent.ai;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Per-call overrides for the agent; only the present ones go into the initiation frame. */
public record ConversationRequest(String callId, Optional<String> firstMessage, Optional<String> prompt,
                                  Optional<String> language, Map<String, Object> dynamicVariables) {
    public ConversationRequest {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(firstMessage, "firstMessage");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(language, "language");
        dynamicVariables = Map.copyOf(dynamicVariables);
    }
}
