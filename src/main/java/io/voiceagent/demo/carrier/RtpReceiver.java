package io.voiceagent.demo.carrier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One thread that reads every phone's RTP socket through a {@link Selector}: hundreds of phones
 * cost one blocked thread rather than one wake-up of a thread per phone per packet, and each packet
 * is timestamped as soon as it is read.
 */
final class RtpReceiver implements AutoCloseable {

    /** Where a phone's datagrams go; called on the receiver thread with the packet between position and limit. */
    interface Listener {
        void onDatagram(ByteBuffer packet, long receivedAtNanos);
    }

    private record Registration(DatagramChannel channel, Listener listener) {
    }

    private static final System.Logger LOG = System.getLogger(RtpReceiver.class.getName());

    private final Selector selector;
    private final LongSupplier nanoTime;
    private final Queue<Registration> pending = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    RtpReceiver(LongSupplier nanoTime) throws IOException {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(DemoCarrier.RTP_RECEIVER_THREAD).start(this::run);
    }

    /** Starts delivering datagrams from {@code channel}, which must be non-blocking; closing it stops them. */
    void register(DatagramChannel channel, Listener listener) {
        pending.add(new Registration(channel, listener));
        selector.wakeup();
    }

    /**
     * Lets the selector finish closing sockets whose phones have ended: a closed channel keeps its
     * descriptor until the selector next wakes, which on a quiet network might be never.
     */
    void release() {
        selector.wakeup();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (running) {
                selector.select();
                for (Registration r; (r = pending.poll()) != null; ) {
                    try {
                        r.channel().register(selector, SelectionKey.OP_READ, r.listener());
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "a phone's RTP socket closed before it was registered", e);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    drain(key, buffer);
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException e) {
            // closed by close()
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the phones' RTP selector failed; phones hear nothing more", e);
        }
    }

    private void drain(SelectionKey key, ByteBuffer buffer) {
        DatagramChannel channel = (DatagramChannel) key.channel();
        Listener listener = (Listener) key.attachment();
        try {
            while (true) {
                buffer.clear();
                if (channel.receive(buffer) == null) {
                    return;
                }
                long now = nanoTime.getAsLong();
                buffer.flip();
                listener.onDatagram(buffer, now);
            }
        } catch (IOException e) {
            key.cancel(); // the phone's call ended and closed its socket
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a simulated phone failed on an RTP packet", e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the phones' RTP selector", e);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
