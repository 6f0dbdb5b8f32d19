package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.rtp.RtpPortPool;
import io.voiceagent.stun.StunClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Opens the media sessions of calls. It owns what calls share: the RTP/RTCP port pool, the one pacing
 * clock every session sends on, the one receive thread every session's packets arrive on, the
 * resampling filters, and the virtual threads that run callbacks (so media timeouts and drain
 * actions never run on the clock thread).
 */
public final class MediaEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MediaEngine.class.getName());

    private final RtpPortPool ports;
    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final long mediaTimeoutNanos;
    private final long holdTimeoutNanos;
    private final long wallClockOffsetNanos;
    private final long agentAudioLimitBytes;
    private final Pacer pacer;
    private final RtpReceiver receiver;
    private final boolean ownClockThread;
    private final ExecutorService callbacks;
    private final Map<Long, Resampler.Filter> filters = new ConcurrentHashMap<>();
    private final Map<String, RtpMediaSession> sessions = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Optional<Config.StunServer> stunServer;
    /** Shared by every session's socket (transaction ids are unique); null without SIP_STUN_SERVER. */
    private final StunClient stun;
    private final RtpCounters counters;

    /**
     * @param bindAddress      the local address RTP sockets bind to, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
     * @param agentAudioBuffer how much agent audio a call may hold ahead of the phone (AI_AUDIO_BUFFER_S);
     *                         past it the oldest is dropped
     * @param stunServer       when present, each session asks it over its RTP socket where that socket is
     *                         seen from outside
     * @param metrics          where the sessions count packets and time the greeting
     * @throws IllegalArgumentException when the address or the port range is unusable
     */
    public MediaEngine(Config.Rtp config, String bindAddress, LongSupplier nanoClock, RandomGenerator random,
                       java.time.Duration agentAudioBuffer, Optional<Config.StunServer> stunServer,
                       ServiceMetrics metrics) {
        this(config, bindAddress, nanoClock, random, agentAudioBuffer, stunServer, true, metrics,
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("media-callback-", 0).factory()));
    }

    /**
     * With {@code ownClockThread} false, a test drives the clock through {@link #pacer()}; with
     * {@code callbacks} a test's own executor, e.g. one that runs a callback at once on the thread that
     * decided it, so that once the test's clock has ticked past a deadline the listener has been told.
     */
    MediaEngine(Config.Rtp config, String bindAddress, LongSupplier nanoClock, RandomGenerator random,
                java.time.Duration agentAudioBuffer, Optional<Config.StunServer> stunServer,
                boolean ownClockThread, ServiceMetrics metrics, ExecutorService callbacks) {
        Objects.requireNonNull(config, "config");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        Objects.requireNonNull(bindAddress, "bindAddress");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.random = Objects.requireNonNull(random, "random");
        this.counters = new RtpCounters(Objects.requireNonNull(metrics, "metrics"));
        this.ports = new RtpPortPool(resolve(bindAddress), config.portMin(), config.portMax(), random);
        this.mediaTimeoutNanos = config.timeout().toNanos();
        this.holdTimeoutNanos = config.holdTimeout().toNanos();
        // Only RTCP's NTP timestamps need the wall clock, read once: the round trip they measure
        // depends on differences alone, so a test's fake clock is not disturbed.
        this.wallClockOffsetNanos = System.currentTimeMillis() * 1_000_000 - nanoClock.getAsLong();
        if (agentAudioBuffer.toMillis() < 1000) {
            throw new IllegalArgumentException("the agent audio buffer must be at least 1 s: " + agentAudioBuffer);
        }
        this.agentAudioLimitBytes = agentAudioBuffer.toMillis() * LineCodec.SAMPLE_RATE / 1000;
        this.pacer = new Pacer(nanoClock, config.pacerRealtimePriority(), metrics.rtpSendLateness, metrics.rtpSkippedTicks);
        this.ownClockThread = ownClockThread;
        this.stunServer = Objects.requireNonNull(stunServer, "stunServer");
        // Retransmissions run on the callback threads, after a delay taken from the JDK's delayer.
        this.stun = stunServer.isEmpty() ? null : new StunClient((delay, task) -> CompletableFuture
                .delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, callbacks()).execute(task),
                random, StunClient.Policy.CALL_SETUP);
        try {
            this.receiver = new RtpReceiver(nanoClock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for RTP: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a call's session on a random even port (RTCP on the next one). {@code chunkMs} is ELEVENLABS_CHUNK_MS: caller
     * audio reaches the listener in chunks of that length (20..100, a multiple of 20).
     */
    public MediaSession open(String callId, int chunkMs, MediaListener listener) throws IOException {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(listener, "listener");
        if (chunkMs < 20 || chunkMs > 100 || chunkMs % 20 != 0) {
            throw new IllegalArgumentException("chunk length must be 20..100 ms in steps of 20: " + chunkMs);
        }
        if (closed.get()) {
            throw new IllegalStateException("the media engine is closed");
        }
        if (ownClockThread) {
            pacer.start();
        }
        RtpPortPool.Sockets sockets = ports.bind();
        RtpMediaSession session;
        try {
            session = new RtpMediaSession(callId, chunkMs, listener, sockets, this);
        } catch (IOException | RuntimeException e) {
            sockets.rtp().close();
            sockets.rtcp().close();
            ports.release(sockets.rtpPort());
            throw e;
        }
        RtpMediaSession previous = sessions.put(callId, session);
        if (previous != null) {
            LOG.log(System.Logger.Level.WARNING, "call {0}: a second media session was opened; closing the first", callId);
            previous.close();
            sessions.put(callId, session);
        }
        try {
            session.start();
        } catch (IOException e) {
            session.close();
            throw e;
        }
        stunServer.ifPresent(server -> callbacks().execute(() -> session.learnMapping(stun, server)));
        return session;
    }

    /** Live sessions. */
    public int openSessions() {
        return sessions.size();
    }

    /** RTP ports held by live sessions. */
    public int portsInUse() {
        return ports.inUse();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RtpMediaSession session : List.copyOf(sessions.values())) {
            session.close();
        }
        pacer.close();
        receiver.close();
        // Not close(): that would wait for callbacks, and a listener stuck in one must not hang shutdown.
        callbacks.shutdown();
    }

    private static InetAddress resolve(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("RTP bind address is not an address: " + bindAddress, e);
        }
    }

    // ---- what sessions share ----

    Pacer pacer() {
        return pacer;
    }

    RtpReceiver receiver() {
        return receiver;
    }

    /** The STUN client whose answers arrive on session sockets; null without SIP_STUN_SERVER. */
    StunClient stun() {
        return stun;
    }

    RandomGenerator random() {
        return random;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    RtpCounters counters() {
        return counters;
    }

    long agentAudioLimitBytes() {
        return agentAudioLimitBytes;
    }

    long mediaTimeoutNanos() {
        return mediaTimeoutNanos;
    }

    long holdTimeoutNanos() {
        return holdTimeoutNanos;
    }

    long wallClockOffsetNanos() {
        return wallClockOffsetNanos;
    }

    java.util.concurrent.Executor callbacks() {
        return task -> {
            try {
                callbacks.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "media engine closed: a callback was not run");
            }
        };
    }

    Resampler.Filter filter(int inRate, int outRate) {
        return filters.computeIfAbsent(((long) inRate << 32) | outRate, key -> Resampler.design(inRate, outRate));
    }

    void release(RtpMediaSession session) {
        sessions.remove(session.callId(), session);
        ports.release(session.localPort());
    }
}
