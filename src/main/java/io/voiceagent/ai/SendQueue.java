package io.voiceagent.ai;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the text frames of one socket: java.net.http allows one outstanding send at a time,
 * while audio, pongs and tool results are produced by different threads. Callers never wait and,
 * but for the connection's reader answering a ping ({@link #sendControlNow}), never send themselves:
 * the sends run on {@code sender} (the connection's own thread, never the pacing clock or the RTP
 * receiver that produce caller audio) and continue on java.net.http's completion threads.
 * Control frames (pongs, tool results, contextual updates) go before queued audio, so a slow link
 * never makes a pong late behind seconds of caller audio; audio beyond {@code maxQueuedAudio}
 * frames drops the oldest, because stale caller audio is worth less than the current word.
 */
final class SendQueue {
    private static final System.Logger LOG = System.getLogger(SendQueue.class.getName());

    private final WebSocket socket;
    private final int maxQueuedAudio;
    private final Executor sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Control> control = new ArrayDeque<>();
    private final ArrayDeque<String> audio = new ArrayDeque<>();
    /** A drain is scheduled or running, or a send is outstanding: nobody else may start one. */
    private boolean sending;
    /**
     * The drain handed to {@code sender} has not started yet, and nothing is being sent: the reader
     * answering a ping may take the drain over instead of waiting for that thread to be scheduled
     * (measured: up to 50 ms for a new virtual thread on two busy cores at 100 calls).
     */
    private boolean drainScheduled;
    private boolean closing;
    private boolean closeSent;
    private boolean failed;
    private int closeCode;
    private String closeReason = "";
    private long audioDropped;

    /** A control frame, and what to run the moment it is handed to the socket (a pong's timing), or null. */
    private record Control(String text, Runnable handedOver) {
    }

    SendQueue(WebSocket socket, int maxQueuedAudio, Executor sender) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.sender = Objects.requireNonNull(sender, "sender");
        if (maxQueuedAudio < 1) {
            throw new IllegalArgumentException("maxQueuedAudio must be positive: " + maxQueuedAudio);
        }
        this.maxQueuedAudio = maxQueuedAudio;
    }

    /** Queues a control frame; false once the queue is closing or the socket has failed. */
    boolean sendControl(String text) {
        Objects.requireNonNull(text, "text");
        return enqueue(() -> control.addLast(new Control(text, null)));
    }

    /**
     * Queues a control frame and, when no send is under way (nothing queued, or a drain handed to
     * {@code sender} that has not started), sends it at once on the calling thread, which must be the
     * connection's reader (never the pacing clock or the RTP receiver): a pong then leaves as the ping
     * is read instead of waiting for a sender thread to be scheduled. A drain taken over this way also
     * sends the audio queued behind the pong.
     * {@code handedOver} runs on the sending thread just before the frame is handed to the socket's
     * {@code sendText}, at once or after the send under way; never if the frame is discarded.
     */
    boolean sendControlNow(String text, Runnable handedOver) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(handedOver, "handedOver");
        lock.lock();
        try {
            if (closing || failed) {
                return false;
            }
            control.addLast(new Control(text, handedOver));
            if (closeSent || (sending && !drainScheduled)) {
                return true; // the thread draining, or the send under way, will take it next
            }
            sending = true;
            drainScheduled = false; // taken over: the scheduled task finds nothing to do
        } finally {
            lock.unlock();
        }
        drain();
        return true;
    }

    /** Queues an audio frame; false once the queue is closing or the socket has failed. */
    boolean sendAudio(String text) {
        Objects.requireNonNull(text, "text");
        return enqueue(() -> {
            if (audio.size() >= maxQueuedAudio) {
                audio.removeFirst();
                audioDropped++;
            }
            audio.addLast(text);
        });
    }

    /**
     * Sends a close frame after the queued control frames; queued audio is discarded. If the peer
     * has not closed its side {@code grace} later, the socket is aborted. Idempotent.
     */
    void close(int code, String reason, Duration grace) {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            closeCode = code;
            closeReason = reason;
            audio.clear();
        } finally {
            lock.unlock();
        }
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!socket.isInputClosed() || !socket.isOutputClosed()) {
                socket.abort();
            }
        });
        scheduleDrain();
    }

    /** The socket is closed already: refuse further frames and forget the queued ones. Idempotent. */
    void discard() {
        lock.lock();
        try {
            closing = true;
            closeSent = true;
            control.clear();
            audio.clear();
        } finally {
            lock.unlock();
        }
    }

    int depth() {
        lock.lock();
        try {
            return control.size() + audio.size();
        } finally {
            lock.unlock();
        }
    }

    long audioDropped() {
        lock.lock();
        try {
            return audioDropped;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code add} under the lock unless the queue is closing or failed, then schedules a drain. */
    private boolean enqueue(Runnable add) {
        lock.lock();
        try {
            if (closing || failed) {
                return false;
            }
            add.run();
        } finally {
            lock.unlock();
        }
        scheduleDrain();
        return true;
    }

    /** Hands the sending to {@code sender} unless a drain or a send is under way already. */
    private void scheduleDrain() {
        lock.lock();
        try {
            if (sending || failed || closeSent) {
                return;
            }
            sending = true;
            drainScheduled = true;
        } finally {
            lock.unlock();
        }
        sender.execute(this::scheduledDrain);
    }

    /** The drain handed to {@code sender}, unless a reader answering a ping has taken it over meanwhile. */
    private void scheduledDrain() {
        lock.lock();
        try {
            if (!drainScheduled) {
                return;
            }
            drainScheduled = false;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /**
     * Sends queued frames one at a time; runs with {@code sending} set. A send that completes at once
     * is followed in this loop; one that completes later continues from its completion.
     */
    private void drain() {
        for (;;) {
            String next;
            Runnable handedOver = null;
            boolean sendClose = false;
            lock.lock();
            try {
                Control nextControl = failed || closeSent ? null : control.pollFirst();
                next = nextControl == null ? null : nextControl.text();
                handedOver = nextControl == null ? null : nextControl.handedOver();
                if (next == null && !failed && !closeSent) {
                    next = audio.pollFirst();
                }
                if (next == null) {
                    if (!closing || failed || closeSent) {
                        sending = false;
                        return;
                    }
                    sendClose = true;
                    closeSent = true;
                }
            } finally {
                lock.unlock();
            }
            if (handedOver != null) {
                handedOver.run();
            }
            CompletableFuture<WebSocket> sent;
            try {
                sent = sendClose ? socket.sendClose(closeCode, closeReason) : socket.sendText(next, true);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            if (!sent.isDone()) {
                sent.whenComplete((ws, failure) -> {
                    sendCompleted(failure);
                    drain();
                });
                return;
            }
            sendCompleted(sent.handle((ws, failure) -> failure).getNow(null));
        }
    }

    private void sendCompleted(Throwable failure) {
        lock.lock();
        try {
            if (failure != null && !failed) {
                failed = true;
                control.clear();
                audio.clear();
                LOG.log(System.Logger.Level.DEBUG, "ElevenLabs socket send failed: {0}", failure.toString());
            }
        } finally {
            lock.unlock();
        }
    }
}
