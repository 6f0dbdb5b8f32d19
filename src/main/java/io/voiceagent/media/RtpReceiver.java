package io.voiceagent.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Receives every call's RTP on one thread with one selector. A thread blocked per socket would
 * cost a park, a poller registration and a wake-up per packet; one select serves a whole batch of
 * ready sockets, which at hundreds of calls is most of the receive cost. Handlers run on this
 * thread, so they (and the listeners they call) must not block.
 *
 * <p>It also says how far it has got ({@link #caughtUpToNanos}): the pacing clock runs first after
 * any stall (it is real-time, and the collector's pauses end for both at once), so a caller's
 * packets can be waiting in their socket while the clock looks, and only this thread knows they
 * were not lost. Idle, it looks again every {@value #IDLE_LOOK_MILLIS} ms, so that the figure
 * keeps up with the clock when nothing arrives.
 */
final class RtpReceiver implements AutoCloseable {

    /** Gets one datagram; the data array is reused after the call returns. */
    interface Handler {
        void onDatagram(byte[] data, int length, InetSocketAddress source, long nowNanos);
    }

    private static final System.Logger LOG = System.getLogger(RtpReceiver.class.getName());
    private static final int MAX_DATAGRAM = 1500;
    /** Datagrams read from one socket per round, so one flooded socket cannot starve the others. */
    private static final int BATCH = 8;
    private static final long IDLE_LOOK_MILLIS = 10;

    private sealed interface Change {
    }

    private record Register(DatagramChannel channel, Handler handler) implements Change {
    }

    private record Unregister(DatagramChannel channel, CompletableFuture<Void> closed) implements Change {
    }

    private final LongSupplier nanoClock;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long caughtUpToNanos;

    RtpReceiver(LongSupplier nanoClock) throws IOException {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.caughtUpToNanos = nanoClock.getAsLong();
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().name("rtp-receiver").daemon().start(this::loop);
    }

    void register(DatagramChannel channel, Handler handler) throws IOException {
        channel.configureBlocking(false);
        changes.add(new Register(channel, handler));
        selector.wakeup();
    }

    /**
     * Stops receiving on the channel and closes it; the stage completes once the socket is really
     * closed (a registered channel closes only after the selector lets go of it), so its port is free.
     */
    CompletableFuture<Void> unregisterAndClose(DatagramChannel channel) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (!running || Thread.currentThread() == thread) {
            // A handler ending its own call: do it now (waiting for this thread would deadlock);
            // the socket finishes closing at the next select.
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            closed.complete(null);
            return closed;
        }
        changes.add(new Unregister(channel, closed));
        selector.wakeup();
        return closed;
    }

    private void loop() {
        while (running) {
            try {
                selector.select(IDLE_LOOK_MILLIS);
                applyChanges();
                long now = nanoClock.getAsLong();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        drain((DatagramChannel) key.channel(), (Handler) key.attachment(), now);
                    }
                }
                selector.selectedKeys().clear();
                caughtUpToNanos = now;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "RTP receive loop error; continuing", e);
            }
        }
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key.channel());
        }
        closeQuietly(selector);
        applyChanges();
    }

    /**
     * The clock's reading when this thread last began a round it has finished: what had arrived by
     * then has been handed on (a socket with more than a round's datagrams has handed on some of
     * them, which is enough to show its call is not silent).
     */
    long caughtUpToNanos() {
        return caughtUpToNanos;
    }

    /** Makes the thread look at once (a test that moves the clock waits for it to catch up). */
    void lookNow() {
        selector.wakeup();
    }

    private void drain(DatagramChannel channel, Handler handler, long now) {
        for (int i = 0; i < BATCH; i++) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (IOException e) {
                // ICMP port unreachable from an earlier send and the like: the socket stays usable.
                LOG.log(System.Logger.Level.DEBUG, "RTP receive: {0}", e.toString());
                return;
            }
            if (from == null) {
                return;
            }
            if (from instanceof InetSocketAddress source) {
                try {
                    handler.onDatagram(buffer.array(), buffer.position(), source, now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "dropped an RTP packet after an error", e);
                }
            }
        }
    }

    private void applyChanges() {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Change change; (change = changes.poll()) != null; ) {
            switch (change) {
                case Register r -> {
                    try {
                        r.channel().register(selector, SelectionKey.OP_READ, r.handler());
                    } catch (ClosedChannelException | RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "RTP socket closed before it was registered");
                    }
                }
                case Unregister u -> {
                    SelectionKey key = selector.isOpen() ? u.channel().keyFor(selector) : null;
                    if (key != null) {
                        key.cancel();
                    }
                    closeQuietly(u.channel());
                    closed.add(u.closed());
                }
            }
        }
        if (!closed.isEmpty()) {
            try {
                if (selector.isOpen()) {
                    selector.selectNow(); // lets go of cancelled keys, which finishes closing their sockets
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "RTP selector: {0}", e.toString());
            }
            closed.forEach(f -> f.complete(null));
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing: {0}", e.toString());
        }
    }
}
