package io.voiceagent.exolve;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One call event from an Exolve webhook, by its {@code type}: {@code b} {@link Started}, {@code s}
 * {@link Answered}, {@code d} or {@code e} {@link Ended}, {@code crr} {@link RecordingReady}; any other
 * type is {@link Unknown}, which the service logs and ignores (a provider may add types at any time).
 * Every event keeps all the fields as sent, unknown ones included, so nothing the provider told us is
 * lost; {@link #parse} is the one place that reads Exolve's field names.
 */
public sealed interface ExolveEvent {

    /** The type letters as Exolve sends them. */
    String STARTED = "b";
    String ANSWERED = "s";
    String ENDED = "d";
    String ENDED_TOO = "e";
    String RECORDING_READY = "crr";

    /**
     * What every event carries: the ids that tie it to a call ({@code call_id}, {@code call_sid}), its
     * {@code type} as sent and every non-null field.
     */
    record Envelope(Optional<String> callId, Optional<String> callSid, String type, Map<String, Object> fields) {
        public Envelope {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(callSid, "callSid");
            Objects.requireNonNull(type, "type");
            fields = Map.copyOf(fields);
        }
    }

    Envelope envelope();

    default Optional<String> callId() {
        return envelope().callId();
    }

    default Optional<String> callSid() {
        return envelope().callSid();
    }

    /** The {@code type} as Exolve sent it. */
    default String type() {
        return envelope().type();
    }

    default Map<String, Object> fields() {
        return envelope().fields();
    }

    /** {@code b}: Exolve started the call; the phone is being rung. */
    record Started(Envelope envelope) implements ExolveEvent {
    }

    /** {@code s}: the callee answered. */
    record Answered(Envelope envelope) implements ExolveEvent {
    }

    /** {@code d} or {@code e}: the call is over; {@code causeCode} is Exolve's {@code cause_code}, when sent. */
    record Ended(Envelope envelope, Optional<String> causeCode) implements ExolveEvent {
        public Ended {
            Objects.requireNonNull(causeCode, "causeCode");
        }
    }

    /** {@code crr}: the call's recording is ready at Exolve. */
    record RecordingReady(Envelope envelope) implements ExolveEvent {
    }

    /** A type this version does not know: logged and ignored, never an error. */
    record Unknown(Envelope envelope) implements ExolveEvent {
    }

    /**
     * The event in a webhook's JSON body. {@code type} is required; the ids and {@code cause_code} may be
     * strings or numbers.
     *
     * @throws IllegalArgumentException with a message fit for the sender, when the body is not an event
     */
    static ExolveEvent parse(Map<String, Object> body) {
        Map<String, Object> fields = new LinkedHashMap<>();
        body.forEach((k, v) -> {
            if (v != null) {
                fields.put(k, v);
            }
        });
        if (!(fields.get("type") instanceof String type) || type.isBlank()) {
            throw new IllegalArgumentException(
                    "type: required, the event type such as \"b\", \"s\", \"d\", \"e\" or \"crr\"");
        }
        Envelope envelope = new Envelope(text(fields, "call_id"), text(fields, "call_sid"), type, fields);
        return switch (type) {
            case STARTED -> new Started(envelope);
            case ANSWERED -> new Answered(envelope);
            case ENDED, ENDED_TOO -> new Ended(envelope, text(fields, "cause_code"));
            case RECORDING_READY -> new RecordingReady(envelope);
            default -> new Unknown(envelope);
        };
    }

    /** A string or a number (as Exolve may send either), else empty; anything else is malformed. */
    private static Optional<String> text(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return switch (value) {
            case null -> Optional.empty();
            case String s when s.isBlank() -> Optional.empty();
            case String s -> Optional.of(s);
            case Number n -> Optional.of(n instanceof Double || n instanceof Float
                    ? BigDecimal.valueOf(n.doubleValue()).toPlainString() : n.toString());
            default -> throw new IllegalArgumentException(name + ": expected a string or a number");
        };
    }
}
