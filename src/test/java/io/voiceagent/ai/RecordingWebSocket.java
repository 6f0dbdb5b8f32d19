package io.voiceagent.ai;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket that records what is sent and requested. Sends complete at once unless
 * {@link #holdSends()} is on; then each stays outstanding until {@link #completeNextSend()}.
 * A second send while one is outstanding fails like java.net.http's does.
 */
final class RecordingWebSocket implements WebSocket {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean aborted = new AtomicBoolean();
    private final List<CompletableFuture<WebSocket>> outstanding = new ArrayList<>();
    private boolean hold;
    private boolean outputClosed;

    synchronized void holdSends() {
        hold = true;
    }

    void completeNextSend() {
        CompletableFuture<WebSocket> next;
        synchronized (this) {
            next = outstanding.removeFirst();
        }
        next.complete(this);
    }

    void failNextSend() {
        CompletableFuture<WebSocket> next;
        synchronized (this) {
            next = outstanding.removeFirst();
        }
        next.completeExceptionally(new java.io.IOException("broken pipe"));
    }

    synchronized int outstandingSends() {
        return outstanding.size();
    }

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
        return send(() -> texts.add(data.toString()));
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
        return send(() -> {
            closes.add(statusCode + " " + reason);
            outputClosed = true;
        });
    }

    private synchronized CompletableFuture<WebSocket> send(Runnable record) {
        if (!outstanding.isEmpty()) {
            throw new IllegalStateException("Send pending");
        }
        record.run();
        CompletableFuture<WebSocket> future = new CompletableFuture<>();
        if (hold) {
            outstanding.add(future);
        } else {
            future.complete(this);
        }
        return future;
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
        throw new UnsupportedOperationException("the protocol is text only");
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void request(long n) {
        requested.addAndGet(n);
    }

    @Override
    public String getSubprotocol() {
        return "";
    }

    @Override
    public synchronized boolean isOutputClosed() {
        return outputClosed;
    }

    @Override
    public boolean isInputClosed() {
        return aborted.get();
    }

    @Override
    public void abort() {
        aborted.set(true);
    }
}
