package io.voiceagent.exolve;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One call event from an Exolve webhook. {@code type}: {@code b} started, {@code s} answered,
 * {@code d}/{@code e} ended, {@code crr} recording ready. {@code fields} keeps every field as sent,
 * unknown ones included, so nothing the provider told us is lost.
 */
public record ExolveEvent(Optional<String> callId, Optional<String> callSid, String type,
                          Map<String, Object> fields) {
    public ExolveEvent {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(type, "type");
        fields = Map.copyOf(fields);
    }
}
