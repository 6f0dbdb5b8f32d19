package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.net.SocketAddresses;
import io.voiceagent.rtp.DtmfReceiver;
import io.voiceagent.rtp.DtmfSender;
import io.voiceagent.rtp.InterarrivalJitter;
import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.rtp.RtpPortPool;
import io.voiceagent.rtp.RtpSequence;
import io.voiceagent.rtp.TelephoneEvent;
import io.voiceagent.stun.StunClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's RTP stream, both ways. Three kinds of thread touch it: the shared pacing clock calls
 * {@link #onTick} every 20 ms to send one packet (agent audio, silence, or a telephone-event); the
 * engine's receive thread hands it packets and it passes caller audio on; the call's own threads queue
 * agent audio and control the session. Each side's state is owned by one thread or guarded by its
 * lock ({@code downlinkLock}, {@code uplinkLock}); counters have a single writer and are volatile.
 * Which source is let in is {@link RtpSourceLatch}'s decision; the RTCP reports are {@link RtcpSession}'s.
 *
 * <p>From {@link #connect} on, a packet leaves every 20 ms whatever happens, silence when there is
 * nothing to say: that stream is also the keep-alive that opens and holds NAT bindings (and lets
 * the carrier's SBC latch onto us) until the far end's media flows. The one pause is a hold by the
 * far end, when it asked for nothing.
 *
 * <p>Packets are always 20 ms, whatever {@code a=ptime} the far end asks for: see {@link #PACKET_NANOS}.
 *
 * <p>With SIP_STUN_SERVER, the session asks over its own socket where that socket is seen from
 * outside ({@link #rtpMapping()}); the receive thread hands STUN datagrams (first byte 0..3,
 * RFC 7983) to the engine's STUN client before anything is parsed as RTP.
 */
final class RtpMediaSession implements MediaSession, Pacer.Paced {

    private static final System.Logger LOG = System.getLogger(RtpMediaSession.class.getName());
    private static final int SAMPLES = LineCodec.SAMPLES_PER_PACKET;
    private static final int JITTER_WINDOW_PACKETS = 3;
    private static final long JITTER_WINDOW_NANOS = 60_000_000;
    /**
     * When the phone sends nothing for this long (silence suppression, comfort noise, a stalled
     * network) the clock feeds the agent silence, since ElevenLabs ends a conversation without input.
     */
    private static final long CALLER_SILENCE_FILL_NANOS = JITTER_WINDOW_NANOS + 20_000_000;
    /**
     * Every packet carries 20 ms, also when the far end's SDP says {@code a=ptime:30} or more: ptime
     * is a receiver's preference, not a limit (RFC 4566 section 6; RFC 3551 section 4.5 has every
     * G.711 receiver accept any whole number of frames), 20 ms is what a {@code maxptime} of 20..60
     * allows, all calls share one 20 ms clock, and longer packets would add their length to the
     * delay before the callee hears the agent.
     */
    private static final long PACKET_NANOS = 20_000_000;

    private final String callId;
    private final int chunkBytes;
    private final MediaListener listener;
    private final DatagramChannel channel;
    private final DatagramChannel rtcpChannel;
    private final int localPort;
    private final RtpSourceLatch latch = new RtpSourceLatch(RtpSourceLatch.DEFAULT_PACKETS_TO_LEARN);
    private final RtcpSession rtcp;
    private final MediaEngine engine;
    private final AgentAudioQueue queue;
    private final RtpCounters counters;
    private volatile Pacer.Registration registration;
    private final CompletableFuture<Optional<InetSocketAddress>> rtpMapping = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Set by the call, read by the clock and receive threads.
    private volatile RemoteMedia remote;
    private volatile LineCodec lineCodec;
    private volatile int telephoneEventPayloadType = -1;
    private volatile int ourTelephoneEventPayloadType = -1;
    private volatile boolean held;
    private volatile long holdStartedNanos;
    /** Where the far end's RTCP comes from, when it sends any: ours goes back there (RFC 4961). */
    private volatile InetSocketAddress rtcpSource;
    private volatile AgentAudioFormat userInputFormat;
    private AgentAudioFormat ringingSilenceFormat;
    private byte[] ringingSilence;
    private long lastRingingSilenceNanos;
    private volatile AgentAudioFormat agentOutputFormat;
    private volatile boolean answered;
    private volatile boolean agentAudioHeld;
    private volatile long answeredAtNanos;
    private volatile long lastPacketNanos;
    private boolean timeoutReported;

    // Downlink: the clock thread's send state, and what the call's threads share with it under downlinkLock.
    private final ReentrantLock downlinkLock = new ReentrantLock();
    private final DtmfSender dtmfSender = new DtmfSender();
    /**
     * Set under downlinkLock when digits are queued, cleared by the clock once they are all sent: the
     * clock takes that lock only while there are digits, not every tick, since the agent's reader
     * holds it while converting a chunk and may be preempted there.
     */
    private volatile boolean dtmfQueued;
    /** Digits asked for and not yet sent: failed when the session closes first. */
    private final List<CompletableFuture<Void>> dtmfUnsent = new ArrayList<>();
    private DownlinkConverter downlinkConverter;
    private final long ssrc;
    private final long initialTimestamp;
    private int nextSequence;
    private long firstCycle = -1;
    private volatile long lastSentTimestamp;
    private boolean previousTickHadAudio;
    /** The first packet of agent audio after the answer has left (and its delay was observed). */
    private boolean greetingSent;
    private final byte[] sendBuffer = new byte[RtpPacket.FIXED_HEADER_LENGTH + SAMPLES];
    private final ByteBuffer sendView = ByteBuffer.wrap(sendBuffer);

    // Uplink: the receive thread's state, shared with the clock thread's jitter expiry under uplinkLock.
    private final ReentrantLock uplinkLock = new ReentrantLock();
    private RtpSequence sequence = new RtpSequence();
    private InterarrivalJitter jitter = new InterarrivalJitter(LineCodec.SAMPLE_RATE);
    /** Packets lost by sources the far end has since replaced (a new SSRC after a transfer, say). */
    private long lostByEarlierSources;
    private final DtmfReceiver dtmfReceiver = new DtmfReceiver();
    private final JitterBuffer jitterBuffer;
    private UplinkConverter uplinkConverter;
    private final byte[] chunk;
    private int chunkFill;
    private long remoteSsrc = -1;
    private long lastCallerFrameNanos;
    /** When the uplink work in progress began (a packet handled, the clock's expiry): what the tap's frames carry. */
    private long uplinkNanos;
    private boolean firstPacketSeen;
    /** The jitter buffer's concealed packets already added to the service-wide lost count. */
    private long concealedCounted;
    /** The far end's reported loss already added to the service-wide count; only the receive thread. */
    private long farEndLostCounted;

    /** A recording's copy of the audio, set from a call thread, read by the media threads. */
    private volatile AudioTap audioTap;

    // Counters, each written by one thread.
    private volatile long packetsIn;
    private volatile long bytesIn;
    private volatile long packetsOut;
    private volatile long bytesOut;
    private volatile long lostIn;
    private volatile double jitterMs;
    private volatile long userAudioBytesToAgent;
    private volatile long agentAudioBytesReceived;
    private volatile long foreignPackets;
    private volatile long learningPackets;
    private volatile long malformedPackets;
    private volatile long dtmfIn;

    RtpMediaSession(String callId, int chunkMs, MediaListener listener, RtpPortPool.Sockets sockets,
                    MediaEngine engine) throws IOException {
        this.callId = callId;
        this.chunkBytes = chunkMs * LineCodec.SAMPLE_RATE / 1000;
        this.listener = listener;
        this.channel = sockets.rtp();
        this.rtcpChannel = sockets.rtcp();
        this.localPort = sockets.rtpPort();
        this.engine = engine;
        this.counters = engine.counters();
        this.ssrc = engine.random().nextLong(1L << 32);
        this.rtcp = new RtcpSession(ssrc, Long.toHexString(ssrc) + "@voiceagent", LineCodec.SAMPLE_RATE,
                engine.wallClockOffsetNanos());
        this.initialTimestamp = engine.random().nextLong(1L << 32);
        this.nextSequence = engine.random().nextInt(1 << 16);
        this.chunk = new byte[chunkBytes];
        this.queue = new AgentAudioQueue(callId, engine.agentAudioLimitBytes(), engine.callbacks());
        this.jitterBuffer = new JitterBuffer(JITTER_WINDOW_PACKETS, JITTER_WINDOW_NANOS, new JitterBuffer.Output() {
            @Override
            public void frame(byte[] payload) {
                onCallerFrame(payload);
            }

            @Override
            public void silence() {
                onCallerFrame(null);
            }
        });
    }

    /** Puts the session on the pacing clock and on the receiver: called once, after construction. */
    void start() throws IOException {
        registration = engine.pacer().register(this);
        engine.receiver().register(channel, this::onDatagram);
        engine.receiver().register(rtcpChannel, this::onRtcpDatagram);
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public CompletionStage<Optional<InetSocketAddress>> rtpMapping() {
        return stunOff() ? CompletableFuture.completedFuture(Optional.empty()) : rtpMapping;
    }

    private boolean stunOff() {
        return engine.stun() == null;
    }

    /**
     * RFC 5389 Binding over this session's own socket, so that a NAT that changes ports is seen
     * with the very mapping our RTP gets. Runs on a callback thread (it may resolve the server's name).
     */
    void learnMapping(StunClient stun, Config.StunServer server) {
        InetSocketAddress target = new InetSocketAddress(server.host(), server.port());
        if (target.isUnresolved()) {
            LOG.log(System.Logger.Level.WARNING, "call {0}: STUN server {1} cannot be resolved", callId, server);
            rtpMapping.complete(Optional.empty());
            return;
        }
        stun.bind(target, (datagram, to) -> channel.send(ByteBuffer.wrap(datagram), to))
                .whenComplete((mapped, failure) -> {
                    if (mapped != null) {
                        LOG.log(System.Logger.Level.INFO, "call {0}: STUN: RTP port {1} is seen as {2}", callId,
                                Integer.toString(localPort), mapped);
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "call {0}: STUN gave no mapping for RTP port {1}: {2}",
                                callId, Integer.toString(localPort), failure.getMessage());
                    }
                    rtpMapping.complete(Optional.ofNullable(mapped));
                });
    }

    @Override
    public void connect(RemoteMedia media) {
        Objects.requireNonNull(media, "media");
        LineCodec codec = LineCodec.fromPayloadType(media.payloadType()).orElseThrow(() -> new IllegalArgumentException(
                "call " + callId + ": payload type " + media.payloadType() + " is not PCMU (0) or PCMA (8)"));
        long now = engine.nanoTime();
        if (!media.wildcardAddress()) {
            // Also on hold: a sendonly far end may play music from its new address.
            latch.expect(media.address(), now);
        }
        this.telephoneEventPayloadType = media.telephoneEventPayloadType();
        this.ourTelephoneEventPayloadType = media.ourTelephoneEventPayloadType();
        this.lineCodec = codec;
        boolean holds = media.holdsUs();
        if (holds && !held) {
            holdStartedNanos = now;
            held = true;
            LOG.log(System.Logger.Level.INFO, "call {0}: the far end holds the call: not sending until it resumes",
                    callId);
        } else if (!holds && held) {
            // Resuming restarts the media timeout: nothing was owed while held.
            lastPacketNanos = now;
            held = false;
            LOG.log(System.Logger.Level.INFO, "call {0}: the far end resumed the call", callId);
        }
        this.remote = media;
    }

    @Override
    public void setAgentFormats(AgentAudioFormat userInput, AgentAudioFormat agentOutput) {
        Objects.requireNonNull(userInput, "userInput");
        Objects.requireNonNull(agentOutput, "agentOutput");
        downlinkLock.lock();
        try {
            boolean first = agentOutputFormat == null;
            agentOutputFormat = agentOutput;
            downlinkConverter = new DownlinkConverter(agentOutput,
                    engine.filter(agentOutput.sampleRate(), LineCodec.SAMPLE_RATE));
            if (first) {
                logFormatChoice(userInput, agentOutput);
            }
        } finally {
            downlinkLock.unlock();
        }
        userInputFormat = userInput;
    }

    private void logFormatChoice(AgentAudioFormat userInput, AgentAudioFormat agentOutput) {
        if (userInput == AgentAudioFormat.ULAW_8000 && agentOutput == AgentAudioFormat.ULAW_8000) {
            LOG.log(System.Logger.Level.INFO, "call {0}: agent audio is ulaw_8000, the phone line''s own format:"
                    + " no resampling (at most a G.711 table lookup per byte on an A-law line)", callId);
        } else {
            LOG.log(System.Logger.Level.INFO, "call {0}: agent audio is {1} in, {2} out: resampling both ways;"
                    + " set the agent to ulaw_8000 to avoid the conversion", callId, userInput.wireName(),
                    agentOutput.wireName());
        }
    }

    @Override
    public void answered() {
        long now = engine.nanoTime();
        uplinkLock.lock();
        try {
            lastCallerFrameNanos = now;
        } finally {
            uplinkLock.unlock();
        }
        answeredAtNanos = now;
        if (held) {
            holdStartedNanos = now;
        }
        latch.answered(now);
        answered = true;
    }

    @Override
    public void playAgentAudio(byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        byte[] ulaw;
        downlinkLock.lock();
        try {
            if (downlinkConverter == null) {
                LOG.log(System.Logger.Level.WARNING, "call {0}: agent audio arrived before the agent''s formats"
                        + " were set: dropped", callId);
                return;
            }
            ulaw = downlinkConverter.convert(audio);
            agentAudioBytesReceived += ulaw.length;
        } finally {
            downlinkLock.unlock();
        }
        queue.add(ulaw);
    }

    @Override
    public void interrupt() {
        queue.clear();
        downlinkLock.lock();
        try {
            if (downlinkConverter != null) {
                downlinkConverter.reset();
            }
        } finally {
            downlinkLock.unlock();
        }
    }

    @Override
    public void holdAgentAudio(boolean held) {
        agentAudioHeld = held;
    }

    @Override
    public void whenQueueDrained(Runnable action) {
        queue.whenDrained(Objects.requireNonNull(action, "action"));
    }

    @Override
    public Optional<CompletableFuture<Void>> sendDtmf(String digits) {
        Objects.requireNonNull(digits, "digits");
        if (!DtmfSender.valid(digits)) {
            throw new IllegalArgumentException("not DTMF digits: " + digits);
        }
        if (telephoneEventPayloadType < 0) {
            return Optional.empty();
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        downlinkLock.lock();
        try {
            if (closed.get()) {
                sent.cancel(false);
                return Optional.of(sent);
            }
            dtmfUnsent.add(sent);
            // Runs on the clock thread inside next(): completing is handed to the callback executor.
            dtmfSender.enqueue(digits, () -> {
                dtmfUnsent.remove(sent);
                engine.callbacks().execute(() -> sent.complete(null));
            });
            dtmfQueued = true;
        } finally {
            downlinkLock.unlock();
        }
        return Optional.of(sent);
    }

    // ---- downlink: the pacing clock's thread ----

    @Override
    public void onTick(long cycle, long deadlineNanos) {
        if (closed.get()) {
            return;
        }
        checkTimeouts(deadlineNanos);
        expireHeldCallerAudio(deadlineNanos);
        InetSocketAddress target = latch.target().orElse(null);
        LineCodec codec = lineCodec;
        if (target == null || codec == null) {
            return;
        }
        sendRtcpIfDue(target, deadlineNanos);
        if (held) {
            return;
        }
        if (firstCycle < 0) {
            firstCycle = cycle;
        }
        long timestamp = (initialTimestamp + (cycle - firstCycle) * SAMPLES) & 0xFFFF_FFFFL;
        lastSentTimestamp = timestamp;
        int payloadLength = fillPayload(codec, timestamp, deadlineNanos);
        try {
            sendView.clear().limit(RtpPacket.FIXED_HEADER_LENGTH + payloadLength);
            channel.send(sendView, target);
            packetsOut++;
            bytesOut += payloadLength;
            counters.packetsOut.inc();
            counters.bytesOut.add(payloadLength);
            if (previousTickHadAudio && !greetingSent) {
                // Agent audio leaves only after the answer, so answeredAtNanos is set.
                greetingSent = true;
                counters.greetingDelay.observeNanos(engine.nanoTime() - answeredAtNanos);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.log(System.Logger.Level.DEBUG, "call {0}: RTP send to {1} failed: {2}", callId, target, e.toString());
            }
        }
    }

    /** Writes this tick's packet into the send buffer and returns its payload length. */
    private int fillPayload(LineCodec codec, long timestamp, long deadlineNanos) {
        int eventPayloadType = telephoneEventPayloadType;
        Optional<DtmfSender.Step> dtmf = Optional.empty();
        if (eventPayloadType >= 0 && dtmfQueued) {
            downlinkLock.lock();
            try {
                if (dtmfSender.idle()) {
                    dtmfQueued = false;
                } else {
                    dtmf = dtmfSender.next(timestamp, SAMPLES);
                }
            } finally {
                downlinkLock.unlock();
            }
        }
        int sequenceNumber = nextSequence;
        nextSequence = (nextSequence + 1) & 0xFFFF;
        if (dtmf.isPresent()) {
            DtmfSender.Step step = dtmf.get();
            RtpPacket.writeFixedHeader(sendBuffer, 0, step.marker(), eventPayloadType, sequenceNumber,
                    step.eventTimestamp(), ssrc);
            step.event().writeTo(sendBuffer, RtpPacket.FIXED_HEADER_LENGTH);
            previousTickHadAudio = false;
            tapDownlink(0, deadlineNanos);
            return TelephoneEvent.LENGTH;
        }
        int audio = answered && !agentAudioHeld ? queue.poll(sendBuffer, RtpPacket.FIXED_HEADER_LENGTH, SAMPLES, G711.ULAW_SILENCE) : 0;
        tapDownlink(audio, deadlineNanos);
        if (audio == 0) {
            java.util.Arrays.fill(sendBuffer, RtpPacket.FIXED_HEADER_LENGTH, sendBuffer.length, codec.silence);
        } else if (codec == LineCodec.PCMA) {
            for (int i = RtpPacket.FIXED_HEADER_LENGTH; i < sendBuffer.length; i++) {
                sendBuffer[i] = G711.ulawToAlaw(sendBuffer[i]);
            }
        }
        boolean marker = audio > 0 && !previousTickHadAudio;
        previousTickHadAudio = audio > 0;
        RtpPacket.writeFixedHeader(sendBuffer, 0, marker, codec.payloadType, sequenceNumber, timestamp, ssrc);
        return SAMPLES;
    }

    /** Hands the tick's μ-law audio (still in the send buffer, before any A-law conversion) to the tap. */
    private void tapDownlink(int audio, long deadlineNanos) {
        AudioTap tap = audioTap;
        if (tap != null && answered) {
            tap.toPhone(audio == 0 ? null : sendBuffer, RtpPacket.FIXED_HEADER_LENGTH, deadlineNanos);
        }
    }

    @Override
    public void setAudioTap(AudioTap tap) {
        audioTap = tap;
    }

    /** The media timeout while the far end should be sending, the hold timeout while it holds us. */
    private void checkTimeouts(long nowNanos) {
        if (!answered || timeoutReported) {
            return;
        }
        if (held) {
            if (nowNanos - holdStartedNanos >= engine.holdTimeoutNanos()) {
                timeoutReported = true;
                LOG.log(System.Logger.Level.WARNING, "call {0}: on hold for {1} s: hold timeout", callId,
                        engine.holdTimeoutNanos() / 1_000_000_000L);
                engine.callbacks().execute(listener::onHoldTimeout);
            }
            return;
        }
        RemoteMedia media = remote;
        if (media != null && !media.farEndSends()) {
            return; // recvonly: by its own SDP the far end sends nothing
        }
        long since = Math.max(answeredAtNanos, lastPacketNanos);
        if (nowNanos - since >= engine.mediaTimeoutNanos()) {
            timeoutReported = true;
            LOG.log(System.Logger.Level.WARNING, "call {0}: no RTP for {1} s: media timeout", callId,
                    engine.mediaTimeoutNanos() / 1_000_000_000L);
            engine.callbacks().execute(listener::onMediaTimeout);
        }
    }

    /**
     * RTCP goes where the far end's RTCP comes from when it sends any from the IP we send RTP to,
     * else to the port above our RTP target (RFC 3550 section 11). Not to a far end that asked for
     * nothing with c=0.0.0.0; otherwise also during a hold (RFC 3264 section 5.1).
     */
    private void sendRtcpIfDue(InetSocketAddress rtpTarget, long nowNanos) {
        RemoteMedia media = remote;
        if (media == null || media.wildcardAddress() || !rtcp.due(nowNanos)) {
            return;
        }
        // The reception figures are the receive thread's, under the uplink lock. The clock never waits
        // for that lock: its holder may be preempted (or waiting for the agent's send queue), and the
        // clock would hold up every call behind this one. Busy, the report goes a tick later.
        if (!uplinkLock.tryLock()) {
            return;
        }
        Optional<RtcpSession.Received> received;
        try {
            received = receivedLocked();
        } finally {
            uplinkLock.unlock();
        }
        rtcp.reportIfDue(nowNanos, sent(), received).ifPresent(report -> sendRtcp(report, rtpTarget));
    }

    private void sendRtcp(byte[] compound, InetSocketAddress rtpTarget) {
        InetSocketAddress source = rtcpSource;
        InetSocketAddress to = source != null && source.getAddress().equals(rtpTarget.getAddress()) ? source
                : new InetSocketAddress(rtpTarget.getAddress(), rtpTarget.getPort() + 1);
        try {
            rtcpChannel.send(ByteBuffer.wrap(compound), to);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "call {0}: RTCP send to {1} failed: {2}", callId, to, e.toString());
        }
    }

    private RtcpSession.Sent sent() {
        return new RtcpSession.Sent(packetsOut, bytesOut, lastSentTimestamp);
    }

    private Optional<RtcpSession.Received> received() {
        uplinkLock.lock();
        try {
            return receivedLocked();
        } finally {
            uplinkLock.unlock();
        }
    }

    private Optional<RtcpSession.Received> receivedLocked() {
        if (remoteSsrc < 0 || sequence.expected() == 0) {
            return Optional.empty();
        }
        return Optional.of(new RtcpSession.Received(remoteSsrc, sequence.extendedMax(), sequence.expected(),
                sequence.received(), jitter.jitterUnits()));
    }

    /**
     * Plays out caller packets held past the jitter window when nothing else arrives, and keeps the
     * agent's input going with silence while the phone sends nothing. Both measure time up to where
     * the receive thread has caught up, not up to now: after a stall the clock runs first, and
     * packets still waiting in the socket are neither lost nor silence. Never waits for the lock:
     * the receive thread holding it is delivering audio anyway.
     */
    private void expireHeldCallerAudio(long nowNanos) {
        if (uplinkLock.tryLock()) {
            try {
                uplinkNanos = nowNanos;
                long heardUpTo = engine.receiver().caughtUpToNanos();
                if (jitterBuffer.heldPackets() > 0) {
                    jitterBuffer.expire(heardUpTo);
                    countConcealed();
                }
                if (answered && heardUpTo - lastCallerFrameNanos >= CALLER_SILENCE_FILL_NANOS) {
                    onCallerFrame(null);
                    lastCallerFrameNanos = heardUpTo - CALLER_SILENCE_FILL_NANOS + PACKET_NANOS;
                } else if (!answered) {
                    feedSilenceWhileRinging(nowNanos);
                }
            } finally {
                uplinkLock.unlock();
            }
        }
    }

    // ---- uplink: this call's receive thread ----

    /** Handles one RTP datagram, on the engine's receive thread. */
    void onDatagram(byte[] data, int length, InetSocketAddress source, long nowNanos) {
        StunClient stun = engine.stun();
        if (stun != null && stun.offer(data, 0, length, source)) {
            return; // RFC 7983: a first byte of 0..3 is STUN, never RTP (whose version bits make it 128..191)
        }
        Optional<RtpPacket> parsed = RtpPacket.parse(data, 0, length);
        if (parsed.isEmpty()) {
            malformedPackets++;
            counters.malformed.inc();
            return;
        }
        RtpPacket packet = parsed.get();
        switch (latch.judge(source, packet.ssrc(), packet.sequenceNumber(), nowNanos)) {
            case FOREIGN_SOURCE -> {
                foreignPackets++;
                counters.foreignSource.inc();
                return;
            }
            case LEARNING -> {
                learningPackets++;
                counters.learning.inc();
                return;
            }
            case ACCEPT -> {
                // from the far end: use it
            }
        }
        int payloadType = packet.payloadType();
        // The far end should send digits on the number it answered with, but some use the one we offered.
        boolean isEvent = (payloadType == telephoneEventPayloadType
                || payloadType == ourTelephoneEventPayloadType);
        boolean isAudio = LineCodec.fromPayloadType(payloadType).isPresent();
        if (!isEvent && !isAudio) {
            // Comfort noise and the like: nothing to pass on, but the far end is alive.
            lastPacketNanos = nowNanos;
            return;
        }
        uplinkLock.lock();
        try {
            uplinkNanos = nowNanos;
            receive(packet, isEvent, nowNanos);
        } finally {
            uplinkLock.unlock();
        }
        if (!firstPacketSeen) {
            firstPacketSeen = true;
            listener.onFirstPacket();
        }
    }

    /** Handles one RTCP datagram, on the engine's receive thread: only from the IP our RTP goes to. */
    void onRtcpDatagram(byte[] data, int length, InetSocketAddress source, long nowNanos) {
        InetSocketAddress target = latch.target().orElse(null);
        if (target == null || !source.getAddress().equals(target.getAddress())) {
            foreignPackets++;
            counters.foreignSource.inc();
            return;
        }
        if (!rtcp.onPacket(data, length, nowNanos)) {
            malformedPackets++;
            counters.malformed.inc();
            return;
        }
        rtcpSource = source;
        // The far end's count is cumulative and may shrink (duplicates): only its growth is added.
        long farEndLost = rtcp.farEnd().lost();
        if (farEndLost > farEndLostCounted) {
            counters.farEndLost.add(farEndLost - farEndLostCounted);
            farEndLostCounted = farEndLost;
        }
    }

    private void receive(RtpPacket packet, boolean isEvent, long nowNanos) {
        lastPacketNanos = nowNanos;
        lastCallerFrameNanos = nowNanos;
        if (packet.ssrc() != remoteSsrc) {
            if (remoteSsrc >= 0) {
                // A new source numbers its packets afresh: start its sequence, jitter and order anew.
                lostByEarlierSources += sequence.lost();
                sequence = new RtpSequence();
                jitter = new InterarrivalJitter(LineCodec.SAMPLE_RATE);
                jitterBuffer.reset();
            }
            remoteSsrc = packet.ssrc();
        }
        RtpSequence.Verdict verdict = sequence.update(packet.sequenceNumber());
        if (verdict == RtpSequence.Verdict.INVALID) {
            return;
        }
        if (verdict == RtpSequence.Verdict.RESTARTED) {
            jitterBuffer.reset();
        }
        packetsIn++;
        bytesIn += packet.payload().length;
        counters.packetsIn.inc();
        counters.bytesIn.add(packet.payload().length);
        jitter.update(packet.timestamp(), nowNanos);
        jitterMs = jitter.jitterMillis();
        lostIn = lostByEarlierSources + sequence.lost();
        if (isEvent) {
            TelephoneEvent.parse(packet.payload()).ifPresent(event -> {
                for (char digit : dtmfReceiver.onPacket(packet.timestamp(), event).toCharArray()) {
                    dtmfIn++;
                    listener.onDtmf(digit);
                }
            });
            jitterBuffer.offer(packet.sequenceNumber(), null, nowNanos);
        } else {
            jitterBuffer.offer(packet.sequenceNumber(), toLineCodec(packet), nowNanos);
        }
        countConcealed();
    }

    /**
     * Adds the packets the jitter buffer has just given up on to the service-wide lost count: counted
     * once the reorder window has passed, so a packet that is only late is not counted. Under uplinkLock.
     */
    private void countConcealed() {
        long concealed = jitterBuffer.concealed();
        if (concealed > concealedCounted) {
            counters.lost.add(concealed - concealedCounted);
            concealedCounted = concealed;
        }
    }

    private byte[] toLineCodec(RtpPacket packet) {
        LineCodec negotiated = lineCodec;
        if (negotiated == null || packet.payloadType() == negotiated.payloadType) {
            return packet.payload();
        }
        return negotiated == LineCodec.PCMU ? G711.alawToUlaw(packet.payload()) : G711.ulawToAlaw(packet.payload());
    }

    /**
     * The conversation is opened while the phone rings and ElevenLabs ends one after 60 s without
     * input, so until the answer the agent hears silence at the usual chunk rate (never the ringback
     * or early-media announcements, which are not the callee speaking). Runs under uplinkLock.
     */
    private void feedSilenceWhileRinging(long nowNanos) {
        AgentAudioFormat format = userInputFormat;
        long chunkNanos = chunkBytes * (1_000_000_000L / LineCodec.SAMPLE_RATE);
        if (format == null || nowNanos - lastRingingSilenceNanos < chunkNanos) {
            return;
        }
        if (ringingSilence == null || ringingSilenceFormat != format) {
            ringingSilenceFormat = format;
            int samples = (int) ((long) chunkBytes * format.sampleRate() / LineCodec.SAMPLE_RATE);
            ringingSilence = format.isPcm() ? new byte[samples * 2] : filled(chunkBytes, G711.ULAW_SILENCE);
        }
        lastRingingSilenceNanos = nowNanos;
        deliver(ringingSilence.clone());
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    /**
     * A frame of caller audio in play order; null is a frame of silence. While the far end holds the
     * call (music on hold, if any) the agent hears silence, so its conversation stays open and
     * quiet. Runs under uplinkLock.
     */
    private void onCallerFrame(byte[] received) {
        byte[] payload = held ? null : received;
        AgentAudioFormat format = userInputFormat;
        LineCodec codec = lineCodec;
        if (!answered || format == null || codec == null) {
            return;
        }
        AudioTap tap = audioTap;
        if (tap != null) {
            tap.fromPhone(payload, codec == LineCodec.PCMA, uplinkNanos);
        }
        if (uplinkConverter == null || !uplinkConverter.matches(codec, format)) {
            uplinkConverter = new UplinkConverter(codec, format, engine.filter(LineCodec.SAMPLE_RATE, format.sampleRate()));
            chunkFill = 0;
        }
        if (payload != null && chunkFill == 0 && payload.length == chunkBytes) {
            deliver(uplinkConverter.convert(payload));
            return;
        }
        int length = payload == null ? SAMPLES : payload.length;
        for (int i = 0; i < length; i++) {
            chunk[chunkFill++] = payload == null ? codec.silence : payload[i];
            if (chunkFill == chunkBytes) {
                deliver(uplinkConverter.convert(chunk.clone()));
                chunkFill = 0;
            }
        }
    }

    private void deliver(byte[] agentAudio) {
        userAudioBytesToAgent += chunkBytes;
        try {
            listener.onUserAudio(agentAudio);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "call " + callId + ": the listener failed on caller audio", e);
        }
    }

    // ---- figures and lifecycle ----

    @Override
    public MediaStats stats() {
        return new MediaStats(packetsIn, packetsOut, bytesIn, bytesOut, lostIn, jitterMs,
                userAudioBytesToAgent / 8, agentAudioBytesReceived / 8,
                new MediaStats.Rejected(foreignPackets, learningPackets, malformedPackets), rtcp.farEnd());
    }

    @Override
    public Map<String, Object> debug() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("local_port", localPort);
        out.put("rtcp_port", localPort + 1);
        RemoteMedia media = remote;
        out.put("sdp_remote", SocketAddresses.hostPort(media == null ? null : media.address()));
        out.put("latched_remote", SocketAddresses.hostPort(latch.target().orElse(null)));
        out.put("held", held);
        out.put("line_codec", String.valueOf(lineCodec));
        out.put("agent_input_format", userInputFormat == null ? "" : userInputFormat.wireName());
        out.put("agent_output_format", agentOutputFormat == null ? "" : agentOutputFormat.wireName());
        out.put("answered", answered);
        Pacer.Registration placed = registration;
        out.put("pacer_slot", placed == null ? -1 : placed.slot());
        out.put("agent_queue_ms", queue.queuedBytes() / 8);
        out.put("agent_queue_max_ms", queue.maxQueuedBytes() / 8);
        out.put("agent_audio_dropped_ms", queue.droppedBytes() / 8);
        uplinkLock.lock();
        try {
            out.put("jitter_buffer_held", jitterBuffer.heldPackets());
            out.put("duplicates", jitterBuffer.duplicates());
            out.put("late", jitterBuffer.late());
            out.put("concealed", jitterBuffer.concealed());
        } finally {
            uplinkLock.unlock();
        }
        Map<String, Object> rejected = new LinkedHashMap<>();
        rejected.put("foreign_source", foreignPackets);
        rejected.put("learning", learningPackets);
        rejected.put("malformed", malformedPackets);
        out.put("rejected", rejected);
        out.put("dtmf_received", dtmfIn);
        MediaStats stats = stats();
        out.put("packets_in", stats.packetsIn());
        out.put("packets_out", stats.packetsOut());
        out.put("bytes_in", stats.bytesIn());
        out.put("bytes_out", stats.bytesOut());
        out.put("lost", stats.lost());
        out.put("jitter_ms", stats.jitterMs());
        MediaStats.FarEndReport far = stats.farEnd();
        Map<String, Object> rtcpFigures = new LinkedHashMap<>();
        InetSocketAddress farEndRtcp = rtcpSource;
        rtcpFigures.put("far_end_source", farEndRtcp == null ? null : SocketAddresses.hostPort(farEndRtcp));
        rtcpFigures.put("reports_received", rtcp.reportsReceived());
        rtcpFigures.put("round_trip_ms", finiteOrNull(far.roundTripMs()));
        rtcpFigures.put("far_end_fraction_lost", finiteOrNull(far.fractionLost()));
        rtcpFigures.put("far_end_lost", far.lost());
        rtcpFigures.put("far_end_jitter_ms", finiteOrNull(far.jitterMs()));
        out.put("rtcp", rtcpFigures);
        return out;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Pacer.Registration placed = registration;
        if (placed != null) {
            placed.close();
        }
        queue.close();
        failUnsentDigits();
        sayRtcpBye();
        rtpMapping.complete(Optional.empty());
        try {
            // The ports may be reused only once the sockets are really closed.
            CompletableFuture.allOf(engine.receiver().unregisterAndClose(channel),
                    engine.receiver().unregisterAndClose(rtcpChannel)).get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "call {0}: the RTP socket was slow to close: {1}", callId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.release(this);
    }

    private void failUnsentDigits() {
        List<CompletableFuture<Void>> unsent;
        downlinkLock.lock();
        try {
            unsent = List.copyOf(dtmfUnsent);
            dtmfUnsent.clear();
        } finally {
            downlinkLock.unlock();
        }
        unsent.forEach(digits -> digits.cancel(false));
    }

    /** RTCP BYE (RFC 3550 section 6.6) with a last report, when there is a far end to tell. */
    private void sayRtcpBye() {
        RemoteMedia media = remote;
        InetSocketAddress target = latch.target().orElse(null);
        if (media == null || target == null || media.wildcardAddress()) {
            return;
        }
        sendRtcp(rtcp.bye(engine.nanoTime(), sent(), received()), target);
    }

    String callId() {
        return callId;
    }
}
