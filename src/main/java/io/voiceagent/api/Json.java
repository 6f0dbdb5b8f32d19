package io.voiceagent.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JSON in and out of the API through jackson-jr. Output goes through {@link #plain} first, so that
 * whatever a component hands us (an {@code Optional}, an {@code Instant}, a record, a {@code Secret})
 * is written as a plain JSON value and never through bean introspection, which could expose a field:
 * an unknown type is written as its {@code toString()}, which a {@code Secret} masks.
 */
final class Json {
    private static final JSON READER = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING);
    private static final Pattern SNAKE = Pattern.compile("([a-z0-9])([A-Z])");
    private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private Json() {
    }

    /** Parses a whole document; trailing content after the first value is malformed too. */
    static Object parse(byte[] body) throws ApiException {
        try (JsonParser parser = READER.getStreamingFactory().createParser(body)) {
            Object value = READER.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("malformed JSON: unexpected content after the first value");
            }
            return value;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiException.badRequest("malformed JSON: " + firstLine(e.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Parses a body that must be one JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(byte[] body) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest("a JSON object body is required");
        }
        if (parse(body) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw ApiException.badRequest("expected a JSON object");
    }

    static byte[] write(Object value) {
        try {
            return (WRITER.asString(plain(value)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Converts to maps, lists, strings, numbers, booleans and nulls only. */
    static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            case Optional<?> o -> plain(o.orElse(null));
            case Map<?, ?> map -> {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
                yield out;
            }
            case Collection<?> c -> {
                List<Object> out = new ArrayList<>(c.size());
                c.forEach(v -> out.add(plain(v)));
                yield out;
            }
            case Object[] array -> plain(java.util.Arrays.asList(array));
            case Record r -> components(r);
            case Enum<?> e -> e.name().toLowerCase(java.util.Locale.ROOT);
            case TemporalAccessor t -> t.toString();
            default -> value.toString();
        };
    }

    /** A record as an object of its components, named in snake_case like the rest of the API. */
    private static Map<String, Object> components(Record record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Method accessor = component.getAccessor();
            Object value;
            try {
                value = accessor.trySetAccessible() ? accessor.invoke(record) : "(not readable)";
            } catch (ReflectiveOperationException e) {
                value = "(not readable)";
            }
            out.put(SNAKE.matcher(component.getName()).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT),
                    plain(value));
        }
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
