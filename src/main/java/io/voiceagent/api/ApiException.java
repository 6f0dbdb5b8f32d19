package io.voiceagent.api;

import java.util.Map;
import java.util.Objects;

/**
 * A request the API refuses, carrying everything the error response needs: the HTTP status, a
 * stable machine-readable code, a message an operator can act on, and any extra headers
 * ({@code Allow}, {@code WWW-Authenticate}).
 */
final class ApiException extends Exception {
    private final int status;
    private final String code;
    private final Map<String, String> headers;
    private final Map<String, Object> details;

    ApiException(int status, String code, String message, Map<String, String> headers) {
        this(status, code, message, headers, Map.of());
    }

    /** @param details more fields of the error body, e.g. the rows of a list that were refused */
    ApiException(int status, String code, String message, Map<String, String> headers, Map<String, Object> details) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.headers = Map.copyOf(headers);
        this.details = Map.copyOf(details);
    }

    ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }

    Map<String, Object> details() {
        return details;
    }
}
