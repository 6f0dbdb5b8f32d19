package io.voiceagent.exolve;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exolve's API as its documentation describes it (docs.exolve.ru): {@code POST /<api>/v1/<Method>},
 * JSON body, {@code Authorization: Bearer <key>}; MakeCallback (its body checked by
 * {@link MakeCallbackBody}) and MakeCall answer {@code {"call_id": <uint64>}};
 * errors are {@code {"code": n, "message": "..."}} with the HTTP status (401 for a bad key, 400 for
 * a bad body). Failures can be scripted per request to test the client's retries.
 */
final class FakeExolveApi implements AutoCloseable {
    /** What the fake does with one request instead of its normal answer. */
    record Scripted(int status, String body, Duration delay) {
        static Scripted status(int status, String message) {
            return new Scripted(status, "{\"code\":" + status + ",\"message\":\"" + message + "\"}", Duration.ZERO);
        }

        static Scripted silentFor(Duration delay) {
            return new Scripted(200, "{\"call_id\":1}", delay);
        }
    }

    /** One request as received. */
    record Received(String method, String path, String authorization, String contentType, Map<String, Object> body) {
    }

    private final String apiKey;
    private final HttpServer server;
    private final Queue<Scripted> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong nextCallId = new AtomicLong(4_623_104_917L);

    FakeExolveApi(String apiKey) throws IOException {
        this.apiKey = apiKey;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void then(Scripted... next) {
        script.addAll(List.of(next));
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    long lastCallId() {
        return nextCallId.get() - 1;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> body;
            try {
                body = raw.isBlank() ? Map.of() : JSON.std.mapFrom(raw);
            } catch (IOException e) {
                answer(exchange, 400, "{\"code\":3,\"message\":\"invalid JSON\"}");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    authorization, exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Scripted scripted = script.poll();
            if (scripted != null) {
                sleep(scripted.delay());
                answer(exchange, scripted.status(), scripted.body());
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "{\"code\":12,\"message\":\"method not allowed\"}");
            } else if (!("Bearer " + apiKey).equals(authorization)) {
                answer(exchange, 401, "{\"code\":16,\"message\":\"invalid API key\"}");
            } else {
                route(exchange, body);
            }
        }
    }

    private void route(HttpExchange exchange, Map<String, Object> body) throws IOException {
        switch (exchange.getRequestURI().getPath()) {
            case "/call/v1/MakeCallback" -> {
                try {
                    MakeCallbackBody.parse(body);
                    answer(exchange, 200, "{\"call_id\":" + nextCallId.getAndIncrement() + "}");
                } catch (MakeCallbackBody.Invalid e) {
                    answer(exchange, 400, "{\"code\":3,\"message\":\"" + e.getMessage().replace("\"", "'") + "\"}");
                }
            }
            case "/call/v1/MakeCall" -> {
                if (!(body.get("source") instanceof String source) || !source.matches("\\d+")
                        || !(body.get("destination") instanceof String destination) || !destination.matches("\\d+")) {
                    answer(exchange, 400, "{\"code\":3,\"message\":\"source and destination must be numbers\"}");
                } else {
                    answer(exchange, 200, "{\"call_id\":" + nextCallId.getAndIncrement() + "}");
                }
            }
            case "/call/v1/HangUp" -> {
                if (body.get("call_id") == null) {
                    answer(exchange, 400, "{\"code\":3,\"message\":\"call_id is required\"}");
                } else {
                    answer(exchange, 200, "{}");
                }
            }
            case "/number/v1/GetList" -> answer(exchange, 200, "{\"types\":[],\"categories\":[],\"regions\":[]}");
            default -> answer(exchange, 404, "{\"code\":5,\"message\":\"method not found\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
