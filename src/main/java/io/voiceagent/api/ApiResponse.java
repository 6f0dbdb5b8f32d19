package io.voiceagent.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a route answers: status, body bytes with their content type, and extra headers; or a body
 * written by a writer: an event stream that goes on until the client goes away, or a file sent in
 * pieces rather than read whole into memory.
 */
record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers,
                   Optional<StreamedBody> stream) {
    static final String JSON = "application/json; charset=utf-8";

    /** Writes a streamed body; returns when the stream is over. */
    @FunctionalInterface
    interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A body written by {@code writer}: {@code length} bytes exactly when known (sent with
     * Content-Length), or {@link #UNKNOWN_LENGTH} (sent chunked).
     */
    record StreamedBody(long length, StreamWriter writer) {
        static final long UNKNOWN_LENGTH = -1;

        StreamedBody {
            Objects.requireNonNull(writer, "writer");
            if (length < UNKNOWN_LENGTH) {
                throw new IllegalArgumentException("length must be >= 0 or UNKNOWN_LENGTH: " + length);
            }
        }
    }

    ApiResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(stream, "stream");
    }

    ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, Optional.empty());
    }

    /** A body of unknown length, sent chunked as {@code writer} produces it. */
    static ApiResponse streaming(String contentType, StreamWriter writer) {
        return new ApiResponse(200, contentType, new byte[0], Map.of(),
                Optional.of(new StreamedBody(StreamedBody.UNKNOWN_LENGTH, writer)));
    }

    /** A body of exactly {@code length} bytes that {@code writer} writes. */
    static ApiResponse streaming(int status, String contentType, long length, Map<String, String> headers,
                                 StreamWriter writer) {
        return new ApiResponse(status, contentType, new byte[0], headers,
                Optional.of(new StreamedBody(length, writer)));
    }

    static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON, Json.write(value), Map.of());
    }

    static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static ApiResponse error(ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        body.putAll(e.details());
        return new ApiResponse(e.status(), JSON, Json.write(body), e.headers());
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> next = new LinkedHashMap<>(headers);
        next.put(name, value);
        return new ApiResponse(status, contentType, body, next, stream);
    }
}
