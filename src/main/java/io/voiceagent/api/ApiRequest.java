package io.voiceagent.api;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One request as a route sees it: the body already read (and bounded), path parameters resolved. */
record ApiRequest(String method, String path, Map<String, String> pathParameters, String rawQuery,
                  Headers headers, byte[] body) {

    ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        pathParameters = Map.copyOf(pathParameters);
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    String pathParameter(String name) {
        return Objects.requireNonNull(pathParameters.get(name), name);
    }

    /** The first value of a query parameter, decoded. */
    Optional<String> query(String name) {
        return Optional.ofNullable(queryParameters().get(name));
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.getFirst(name));
    }

    Map<String, Object> jsonObject() throws ApiException {
        return Json.parseObject(body);
    }

    /** Every query parameter, decoded (the first value of each). */
    Map<String, String> queryParameters() {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
