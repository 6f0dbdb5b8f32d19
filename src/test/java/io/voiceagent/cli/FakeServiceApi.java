package io.voiceagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Stands in for a running voiceagent service, answering as the README documents the API: the CLI is
 * tested against the HTTP contract, not against our server's code. A call's record moves through
 * a script: {@code GET /api/calls/{id}} answers the first step, {@code GET /api/events} streams the
 * others as the service does (a {@code transcript} event per new line, then a {@code call} event
 * with the record less its transcript), honouring {@code Last-Event-ID}.
 */
final class FakeServiceApi implements AutoCloseable {
    final List<Map<String, Object>> startBodies = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> transferBodies = new CopyOnWriteArrayList<>();
    final List<String> startKeys = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final String token;
    private final List<Map<String, Object>> script = new ArrayList<>();
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private volatile int dropStreamAfter = Integer.MAX_VALUE;
    private volatile int startStatus = 201;
    private volatile Map<String, Object> startError = Map.of();

    FakeServiceApi(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The successive records of call {@code c-1}; the first is what start returns. */
    void script(List<Map<String, Object>> records) {
        script.clear();
        script.addAll(records);
    }

    /** The first event stream breaks off after this many events (a restart, a proxy timeout). */
    void dropFirstStreamAfter(int events) {
        dropStreamAfter = events;
    }

    void refuseStart(int status, String code, String message) {
        startStatus = status;
        startError = Map.of("error", code, "message", message);
    }

    static Map<String, Object> record(String status, Object... more) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", "c-1");
        r.put("phone_number", "79990001122");
        r.put("mode", "sip");
        r.put("status", status);
        r.put("created_at", "2026-11-25T20:00:00Z");
        r.put("ringing_at", null);
        r.put("answered_at", null);
        r.put("ended_at", null);
        r.put("duration_s", 0.0);
        r.put("hangup_cause", null);
        r.put("hangup_by", null);
        r.put("sip_code", null);
        r.put("transcript", List.of());
        for (int i = 0; i < more.length; i += 2) {
            r.put((String) more[i], more[i + 1]);
        }
        return r;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(method + " " + path + (query == null ? "" : "?" + query));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (token != null && !("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, Map.of("error", "unauthorized", "message", "missing or wrong API token"));
            return;
        }
        if (method.equals("POST") && path.equals("/api/calls/start")) {
            startBodies.add(JSON.std.mapFrom(body));
            startKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            reply(exchange, startStatus, startStatus == 201 ? script.get(0) : startError);
        } else if (method.equals("POST") && path.equals("/api/calls/hangup")) {
            Object id = JSON.std.mapFrom(body).get("call_id");
            if ("c-1".equals(id)) {
                reply(exchange, 200, record("canceled", "hangup_by", "us"));
            } else {
                reply(exchange, 404, Map.of("error", "not_found", "message", "no call with id '" + id + "'"));
            }
        } else if (method.equals("POST") && path.equals("/api/calls/c-1/transfer")) {
            transferBodies.add(JSON.std.mapFrom(body));
            reply(exchange, 202, record("answered"));
        } else if (method.equals("POST") && path.endsWith("/transfer")) {
            reply(exchange, 409, Map.of("error", "invalid_state", "message", "cannot transfer: the call is not answered"));
        } else if (method.equals("GET") && path.equals("/api/calls")) {
            if (query != null && query.contains("status=talking")) {
                reply(exchange, 400, Map.of("error", "bad_request", "message", "status: expected one of ..."));
            } else {
                reply(exchange, 200, Map.of("calls", List.copyOf(script), "count", script.size()));
            }
        } else if (method.equals("GET") && path.equals("/api/calls/c-1")) {
            reply(exchange, 200, script.get(0));
        } else if (method.equals("GET") && path.equals("/api/events")) {
            stream(exchange);
        } else {
            reply(exchange, 404, Map.of("error", "not_found", "message", "no such endpoint"));
        }
    }

    /** The script after its first step as SSE events, numbered from 1. */
    @SuppressWarnings("unchecked")
    private List<String> scriptEvents() throws IOException {
        List<String> events = new ArrayList<>();
        for (int i = 1; i < script.size(); i++) {
            List<?> before = (List<?>) script.get(i - 1).getOrDefault("transcript", List.of());
            List<?> lines = (List<?>) script.get(i).getOrDefault("transcript", List.of());
            for (int n = before.size(); n < lines.size(); n++) {
                Map<String, Object> line = new LinkedHashMap<>((Map<String, Object>) lines.get(n));
                line.put("call_id", "c-1");
                line.put("index", n);
                events.add("event: transcript\ndata: " + JSON.std.asString(line));
            }
            Map<String, Object> call = new LinkedHashMap<>(script.get(i));
            call.remove("transcript");
            events.add("event: call\ndata: " + JSON.std.asString(call));
        }
        return events;
    }

    private void stream(HttpExchange exchange) throws IOException {
        String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        lastEventIds.add(String.valueOf(lastEventId));
        int from = lastEventId == null ? 0 : Integer.parseInt(lastEventId);
        int limit = dropStreamAfter;
        dropStreamAfter = Integer.MAX_VALUE;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        List<String> events = scriptEvents();
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            for (int i = from; i < events.size() && i - from < limit; i++) {
                out.write(("id: " + (i + 1) + "\n" + events.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the follower stopped reading once the call ended
        }
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.std.asString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
