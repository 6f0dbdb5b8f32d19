package io.voiceagent.call;

import java.net.URI;
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
        dynamicVariables = Map.copyOf(dynamicVariables);
        metadata = Map.copyOf(metadata);
    }

    /** With neither a callback URL nor a recording choice of its own. */
    public StartCallRequest(String phoneNumber, Optional<String> firstMessage, Optional<String> prompt,
                            Optional<String> language, Map<String, Object> dynamicVariables,
                            Map<String, Object> metadata) {
        this(phoneNumber, firstMessage, prompt, language, dynamicVariables, metadata, Optional.empty(),
                Optional.empty());
    }

    /** The same request with another first message (a recording notice before it). */
    public StartCallRequest withFirstMessage(String text) {
        return new StartCallRequest(phoneNumber, Optional.of(text), prompt, language, dynamicVariables, metadata,
                callbackUrl, record);
    }

    public static StartCallRequest of(String phoneNumber) {
        return new StartCallRequest(phoneNumber, Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(), Map.of());
    }
}
