package io.voiceagent.demo.ws;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The request line and headers of an HTTP/1.1 request, as seen before any upgrade.
 *
 * @param method          request method, e.g. {@code GET}
 * @param path            the decoded path of the request target, without the query
 * @param queryParameters decoded query parameters; for a repeated name the first value wins
 * @param headers         header fields keyed by lower-case name; repeated fields joined with {@code ", "}
 * @param remoteAddress   the client's socket address
 */
public record HttpRequestHead(String method, String path, Map<String, String> queryParameters,
                              Map<String, String> headers, InetSocketAddress remoteAddress) {
    public HttpRequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        queryParameters = Map.copyOf(queryParameters);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(queryParameters.get(name));
    }

    /** True when the client asks for a WebSocket upgrade (RFC 6455 4.1: Upgrade: websocket). */
    public boolean isWebSocketUpgrade() {
        return header("upgrade").map(value -> value.trim().equalsIgnoreCase("websocket")).orElse(false);
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @Override
    public String toString() {
        // Header values may carry credentials (xi-api-key), so only their names are shown.
        return "HttpRequestHead[" + method + " " + path + ", query=" + queryParameters.keySet() + ", headers=" + headers.keySet() + "]";
    }
}
