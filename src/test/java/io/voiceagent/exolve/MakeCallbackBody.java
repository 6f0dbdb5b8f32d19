package io.voiceagent.exolve;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /call/v1/MakeCallback} as Exolve's reference and the integrations that use
 * it describe it, checked the way Exolve's protobuf-defined API checks it: {@code number_code} and
 * {@code callback_resource_id} are integers (a JSON string is refused), {@code line_1}/{@code line_2}
 * each hold a non-empty {@code destinations} list of {@code {number, timeout}} and a
 * {@code display_number}, numbers are digits only, and a field it does not define is refused.
 * Used by every fake of Exolve's API, so each refuses any other shape.
 */
public record MakeCallbackBody(long numberCode, Optional<Long> callbackResourceId, Line line1, Line line2) {

    /** One side of the callback: who is rung first (the only destination we send) and what it sees. */
    public record Line(String number, int timeoutSeconds, String displayNumber) {
    }

    private static final Set<String> FIELDS = Set.of("number_code", "callback_resource_id", "line_1", "line_2",
            "request_description");
    private static final Set<String> LINE_FIELDS = Set.of("destinations", "display_number", "audio");
    private static final Set<String> DESTINATION_FIELDS = Set.of("number", "timeout");

    /** Invalid bodies fail with the message Exolve's 400 answer would carry. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    public static MakeCallbackBody parse(Map<String, Object> body) throws Invalid {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new Invalid("unknown field \"" + field + "\" in MakeCallbackRequest");
            }
        }
        long numberCode = integer(body.get("number_code"), "number_code")
                .orElseThrow(() -> new Invalid("number_code is required"));
        if (!Long.toString(numberCode).matches("[0-9]{7,15}")) {
            throw new Invalid("number_code: not a phone number: " + numberCode);
        }
        Optional<Long> resource = integer(body.get("callback_resource_id"), "callback_resource_id");
        return new MakeCallbackBody(numberCode, resource, line(body.get("line_1"), "line_1"),
                line(body.get("line_2"), "line_2"));
    }

    private static Optional<Long> integer(Object value, String name) throws Invalid {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Integer || value instanceof Long) {
            return Optional.of(((Number) value).longValue());
        }
        throw new Invalid(name + ": expected an integer, got " + value.getClass().getSimpleName() + " " + value);
    }

    private static Line line(Object value, String name) throws Invalid {
        if (!(value instanceof Map<?, ?> line)) {
            throw new Invalid(name + " is required and must be an object");
        }
        for (Object field : line.keySet()) {
            if (!LINE_FIELDS.contains(field)) {
                throw new Invalid("unknown field \"" + field + "\" in " + name);
            }
        }
        if (!(line.get("destinations") instanceof List<?> destinations) || destinations.isEmpty()
                || !(destinations.getFirst() instanceof Map<?, ?> destination)) {
            throw new Invalid(name + ".destinations: expected a non-empty list of {number, timeout}");
        }
        for (Object field : destination.keySet()) {
            if (!DESTINATION_FIELDS.contains(field)) {
                throw new Invalid("unknown field \"" + field + "\" in " + name + ".destinations");
            }
        }
        String number = digits(destination.get("number"), name + ".destinations[0].number");
        long timeout = integer(destination.get("timeout"), name + ".destinations[0].timeout")
                .orElseThrow(() -> new Invalid(name + ".destinations[0].timeout is required"));
        if (timeout < 1 || timeout > 600) {
            throw new Invalid(name + ".destinations[0].timeout: expected 1..600 seconds, got " + timeout);
        }
        return new Line(number, (int) timeout, digits(line.get("display_number"), name + ".display_number"));
    }

    private static String digits(Object value, String name) throws Invalid {
        if (!(value instanceof String text) || !text.matches("[0-9]{7,20}")) {
            throw new Invalid(name + ": expected a number as a string of digits, got " + value);
        }
        return text;
    }
}
