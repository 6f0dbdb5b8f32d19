package io.voiceagent.ui;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Chrome DevTools protocol over the JDK's WebSocket client: commands with their replies, and
 * every event kept for the test to inspect. One page is attached in flat mode, so that page
 * commands travel on the browser's socket with the page's {@code sessionId}.
 */
final class DevTools implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** One protocol event, e.g. {@code Runtime.consoleAPICalled}. */
    record Event(String method, Map<String, Object> params) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiting = new CopyOnWriteArrayList<>();
    private String pageSession;

    DevTools(URI browser) throws IOException, InterruptedException {
        try {
            socket = http.newWebSocketBuilder().buildAsync(browser, new Listener()).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot open the DevTools socket " + browser + ": " + e, e);
        }
    }

    /** Opens a new tab and attaches to it; later {@link #page} commands go there. */
    void openPage() throws IOException {
        String targetId = (String) browser("Target.createTarget", Map.of("url", "about:blank")).get("targetId");
        pageSession = (String) browser("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
                .get("sessionId");
        page("Runtime.enable", Map.of());
        page("Log.enable", Map.of());
        page("Page.enable", Map.of());
    }

    Map<String, Object> browser(String method, Map<String, Object> params) throws IOException {
        return send(null, method, params);
    }

    Map<String, Object> page(String method, Map<String, Object> params) throws IOException {
        return send(pageSession, method, params);
    }

    /** Evaluates an expression in the page, awaiting it when it is a promise; returns its JSON value. */
    Object evaluate(String expression) throws IOException {
        Map<String, Object> reply = page("Runtime.evaluate", Map.of("expression", expression,
                "awaitPromise", true, "returnByValue", true));
        if (reply.get("exceptionDetails") instanceof Map<?, ?> details) {
            throw new IOException("page script failed: " + details);
        }
        return reply.get("result") instanceof Map<?, ?> result ? result.get("value") : null;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** Completes with the next event of that method (register it before the command that causes it). */
    CompletableFuture<Event> next(String method) {
        CompletableFuture<Event> next = new CompletableFuture<>();
        waiting.add(new Waiter(method, next));
        return next;
    }

    private record Waiter(String method, CompletableFuture<Event> future) {
    }

    private Map<String, Object> send(String session, String method, Map<String, Object> params) throws IOException {
        long id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.std.asString(message), true).join();
        try {
            return reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + method, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(method + " failed: " + e.getMessage(), e);
        } finally {
            pending.remove(id);
        }
    }

    @SuppressWarnings("unchecked")
    private void onMessage(String text) {
        Map<String, Object> message;
        try {
            message = JSON.std.mapFrom(text);
        } catch (IOException e) {
            return;
        }
        if (message.get("id") instanceof Number n) {
            CompletableFuture<Map<String, Object>> reply = pending.get(n.longValue());
            if (reply == null) {
                return;
            }
            if (message.get("error") != null) {
                reply.completeExceptionally(new IOException("DevTools error: " + message.get("error")));
            } else {
                reply.complete((Map<String, Object>) message.getOrDefault("result", Map.of()));
            }
        } else if (message.get("method") instanceof String method) {
            Event event = new Event(method, (Map<String, Object>) message.getOrDefault("params", Map.of()));
            events.add(event);
            for (Waiter waiter : waiting) {
                if (waiter.method().equals(method) && waiting.remove(waiter)) {
                    waiter.future().complete(event);
                }
            }
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        socket.abort();
        http.close();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }
    }
}
