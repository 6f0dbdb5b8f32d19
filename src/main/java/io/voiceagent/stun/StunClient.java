package io.voiceagent.stun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * STUN Binding client transactions (RFC 5389 §7) over a socket someone else owns. {@link #bind}
 * sends a request through the owner's {@link Sender} and retransmits it; the owner hands every
 * datagram that {@link StunMessage#isStun} recognises to {@link #offer}, which completes the
 * transaction with the same 96-bit id from the server it was sent to.
 *
 * <p>Retransmission follows §7.2.1 (RTO doubling from 500 ms) but gives up far sooner than its
 * 39.5 s: the answer is wanted before a call's SDP goes out, and without one the address learned
 * from the registrar is used instead. {@link Policy#CALL_SETUP}: requests at 0, 0.5 and 1.5 s,
 * failure at 2.5 s.
 */
public final class StunClient {

    private static final System.Logger LOG = System.getLogger(StunClient.class.getName());

    /** Runs {@code task} once after {@code delay}, on a thread that may send on the socket. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Duration delay, Runnable task);
    }

    /** Sends one datagram on the socket whose mapping is wanted. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] datagram, InetSocketAddress target) throws IOException;
    }

    /**
     * @param initialRto  the first retransmission interval, doubled after each request
     * @param requests    how many requests are sent in all
     * @param lastWait    how long the last request waits for its answer
     */
    public record Policy(Duration initialRto, int requests, Duration lastWait) {
        public static final Policy CALL_SETUP = new Policy(Duration.ofMillis(500), 3, Duration.ofSeconds(1));

        public Policy {
            Objects.requireNonNull(initialRto, "initialRto");
            Objects.requireNonNull(lastWait, "lastWait");
            if (requests < 1) {
                throw new IllegalArgumentException("at least one request: " + requests);
            }
        }
    }

    /** No usable answer: timeout, an error response, or a success without a mapped address. */
    public static final class BindingFailed extends Exception {
        public BindingFailed(String message) {
            super(message);
        }
    }

    private record Pending(InetSocketAddress server, CompletableFuture<InetSocketAddress> result) {
    }

    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final ReentrantLock randomLock = new ReentrantLock();
    private final Policy policy;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public StunClient(Scheduler scheduler, RandomGenerator random, Policy policy) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Asks {@code server} which address our packets come from; the stage completes with that
     * address, or exceptionally with {@link BindingFailed}. Never blocks.
     */
    public CompletableFuture<InetSocketAddress> bind(InetSocketAddress server, Sender sender) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(sender, "sender");
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        randomLock.lock();
        try {
            random.nextBytes(transactionId);
        } finally {
            randomLock.unlock();
        }
        String key = HexFormat.of().formatHex(transactionId);
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        pending.put(key, new Pending(server, result));
        result.whenComplete((address, failure) -> pending.remove(key));
        transmit(StunMessage.bindingRequest(transactionId), server, sender, result, 1, policy.initialRto());
        return result;
    }

    private void transmit(byte[] request, InetSocketAddress server, Sender sender,
                          CompletableFuture<InetSocketAddress> result, int sent, Duration rto) {
        if (result.isDone()) {
            return;
        }
        try {
            sender.send(request, server);
        } catch (IOException e) {
            // Like a lost request: the next retransmission may get through.
            LOG.log(System.Logger.Level.DEBUG, "STUN request to {0} not sent: {1}", server, e.toString());
        }
        if (sent < policy.requests()) {
            scheduler.schedule(rto, () -> transmit(request, server, sender, result, sent + 1, rto.multipliedBy(2)));
        } else {
            scheduler.schedule(policy.lastWait(), () -> result.completeExceptionally(new BindingFailed(
                    "no answer from STUN server " + server + " to " + sent + " Binding requests")));
        }
    }

    /**
     * Takes a datagram that arrived on the socket. Returns true when it was STUN (the caller must
     * not treat it as SIP or RTP), whether or not it answered one of our transactions.
     */
    public boolean offer(byte[] data, int offset, int length, InetSocketAddress source) {
        if (!StunMessage.isStun(data, offset, length)) {
            return false;
        }
        Optional<StunMessage> parsed = StunMessage.parse(data, offset, length);
        if (parsed.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "malformed STUN message from {0} dropped", source);
            return true;
        }
        StunMessage message = parsed.get();
        Pending transaction = pending.get(HexFormat.of().formatHex(message.transactionId()));
        if (transaction == null || !transaction.server().equals(source)) {
            // Not ours, a late duplicate, or a forgery from elsewhere: §7.3.3 says discard.
            LOG.log(System.Logger.Level.DEBUG, "STUN message from {0} matches no transaction: {1}", source, message);
            return true;
        }
        switch (message.type()) {
            case StunMessage.BINDING_SUCCESS -> message.mappedAddress().ifPresentOrElse(
                    transaction.result()::complete,
                    () -> transaction.result().completeExceptionally(new BindingFailed(
                            "STUN server " + source + " answered without a mapped address")));
            case StunMessage.BINDING_ERROR -> transaction.result().completeExceptionally(new BindingFailed(
                    "STUN server " + source + " answered error " + (message.errorCode().isPresent()
                            ? message.errorCode().getAsInt() : "(no code)")));
            default -> LOG.log(System.Logger.Level.DEBUG, "unexpected STUN message from {0}: {1}", source, message);
        }
        return true;
    }

    /** Transactions still waiting for an answer. */
    public int pendingTransactions() {
        return pending.size();
    }
}
