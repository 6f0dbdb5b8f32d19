package io.voiceagent.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a route answers: status, body bytes with their content type, and extra headers; or, for an
 * event stream, a writer that keeps writing until the client goes away or the stream ends.
 */
record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers,
                   Optional<StreamWriter> stream) {
    static final String JSON = "application/json; charset=utf-8";

    /** Writes a streamed body; returns when the stream is over. */
    @FunctionalInterface
    interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
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

    static ApiResponse streaming(String contentType, StreamWriter writer) {
        return new ApiResponse(200, contentType, new byte[0], Map.of(), Optional.of(writer));
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
