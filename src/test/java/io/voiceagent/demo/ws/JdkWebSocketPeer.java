package io.voiceagent.demo.ws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The JDK's own WebSocket client (java.net.http) as the test peer: a generic, independent implementation,
 * recording what it receives with arrival times.
 */
public final class JdkWebSocketPeer implements AutoCloseable {
    /** A whole message as received: text, or binary when {@code text} is null. */
    public record Received(String text, byte[] binary, long atNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Received> messages = new ArrayList<>();
    private final List<byte[]> pongs = new ArrayList<>();
    private final StringBuilder partialText = new StringBuilder();
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    private final HttpClient client;
    private final WebSocket webSocket;
    private Integer closeCode;
    private String closeReason;
    private Throwable error;

    private JdkWebSocketPeer(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
        this.client = client;
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        this.webSocket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Connects; throws (an ExecutionException wrapping WebSocketHandshakeException) when the upgrade is refused. */
    public static JdkWebSocketPeer connect(URI uri, Map<String, String> headers) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try {
            return new JdkWebSocketPeer(client, uri, headers);
        } catch (Exception e) {
            client.close();
            throw e;
        }
    }

    public WebSocket webSocket() {
        return webSocket;
    }

    public void sendText(String text) throws Exception {
        webSocket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    public void sendTextInParts(String... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            webSocket.sendText(parts[i], i == parts.length - 1).get(5, TimeUnit.SECONDS);
        }
    }

    public void sendBinary(byte[] data) throws Exception {
        webSocket.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
    }

    public void sendClose(int code, String reason) throws Exception {
        webSocket.sendClose(code, reason).get(5, TimeUnit.SECONDS);
    }

    public List<Received> messages() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    public List<String> texts() {
        return messages().stream().filter(message -> message.text() != null).map(Received::text).toList();
    }

    public List<byte[]> pongs() {
        lock.lock();
        try {
            return List.copyOf(pongs);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the first text message matching {@code condition}; throws on timeout. */
    public Received awaitText(Predicate<String> condition, Duration timeout) throws TimeoutException {
        return await(() -> messages.stream().filter(m -> m.text() != null && condition.test(m.text())).findFirst().orElse(null), timeout,
                "no matching text message; received " + texts());
    }

    /** Waits for the server's close frame (or connection end) and returns its code. */
    public int awaitClose(Duration timeout) throws TimeoutException {
        return await(() -> closeCode, timeout, "connection not closed; error=" + error);
    }

    public String closeReason() {
        lock.lock();
        try {
            return closeReason;
        } finally {
            lock.unlock();
        }
    }

    public <T> T await(java.util.function.Supplier<T> probe, Duration timeout, String failure) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            T value;
            while ((value = probe.get()) == null) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new TimeoutException(failure);
                }
                changed.awaitNanos(remaining);
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (!webSocket.isOutputClosed()) {
            try {
                webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                webSocket.abort();
            }
        }
        try {
            awaitClose(Duration.ofSeconds(2));
        } catch (TimeoutException e) {
            webSocket.abort();
        }
        client.close();
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            update(() -> {
                partialText.append(data);
                if (last) {
                    messages.add(new Received(partialText.toString(), null, System.nanoTime()));
                    partialText.setLength(0);
                }
            });
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            update(() -> {
                partialBinary.writeBytes(bytes);
                if (last) {
                    messages.add(new Received(null, partialBinary.toByteArray(), System.nanoTime()));
                    partialBinary.reset();
                }
            });
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            update(() -> pongs.add(bytes));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            update(() -> {
                closeCode = statusCode;
                closeReason = reason;
            });
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable failure) {
            update(() -> {
                error = failure;
                if (closeCode == null) {
                    closeCode = 1006;
                    closeReason = String.valueOf(failure);
                }
            });
        }
    }
}
