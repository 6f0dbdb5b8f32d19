package io.voiceagent.api;

import io.voiceagent.call.CallException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One resource of the API: a path pattern such as {@code /api/calls/{id}}, who may call it, and a
 * handler per method. The API tries resources in order, so literal paths listed before patterns
 * win ({@code /api/calls/start} before {@code /api/calls/{id}}).
 */
record Route(List<String> segments, Access access, Map<String, Handler> methods, int maxBodyBytes,
             boolean takesCsv) {

    /** Who may call a route. */
    enum Access {
        /** No token needed: {@code /health} and the provider webhook (which has its own secret). */
        PUBLIC,
        /** The API token when one is configured. */
        TOKEN,
        /** As TOKEN, and only while DEBUG_ENDPOINTS is on. */
        DEBUG
    }

    @FunctionalInterface
    interface Handler {
        ApiResponse handle(ApiRequest request) throws ApiException, CallException;
    }

    Route {
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes");
        }
        segments = List.copyOf(segments);
        Objects.requireNonNull(access, "access");
        methods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    }

    static Builder at(String pattern, Access access) {
        return new Builder(pattern, access);
    }

    /** The path parameters when {@code path} matches, e.g. {@code {id=abc}}. */
    Optional<Map<String, String>> match(List<String> path) {
        if (path.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1), path.get(i));
            } else if (!expected.equals(path.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    /** The {@code Allow} header value. */
    String allow() {
        return String.join(", ", methods.keySet());
    }

    /** Splits a path into its non-empty segments, so that a trailing slash does not matter. */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static final class Builder {
        private final String pattern;
        private final Access access;
        private final Map<String, Handler> methods = new LinkedHashMap<>();
        private int maxBodyBytes = HttpApi.MAX_BODY_BYTES;
        private boolean takesCsv;

        private Builder(String pattern, Access access) {
            this.pattern = pattern;
            this.access = access;
        }

        Builder get(Handler handler) {
            methods.put("GET", handler);
            return this;
        }

        Builder post(Handler handler) {
            methods.put("POST", handler);
            return this;
        }

        Builder delete(Handler handler) {
            methods.put("DELETE", handler);
            return this;
        }

        /** A larger body than {@link HttpApi#MAX_BODY_BYTES} (a campaign's contacts), also as {@code text/csv}. */
        Builder takesLists(int maxBytes) {
            this.maxBodyBytes = maxBytes;
            this.takesCsv = true;
            return this;
        }

        Route build() {
            return new Route(split(pattern), access, methods, maxBodyBytes, takesCsv);
        }
    }
}
