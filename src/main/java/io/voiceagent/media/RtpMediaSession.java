package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.rtp.DtmfReceiver;
import io.voiceagent.rtp.DtmfSender;
import io.voiceagent.rtp.InterarrivalJitter;
import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.rtp.RtpSequence;
import io.voiceagent.rtp.TelephoneEvent;
import io.voiceagent.stun.StunClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
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
 *
 * <p>From {@link #connect} on, a packet leaves every 20 ms whatever happens, silence when there is
 * nothing to say: that stream is also the keep-alive that opens and holds NAT bindings until the
 * far end's media flows and we latch to it.
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
    /** Backpressure starts at 2 s of queued agent audio; beyond 20 s audio is dropped. */
    private static final int QUEUE_HIGH_WATER_BYTES = 2 * LineCodec.SAMPLE_RATE;
    private static final int QUEUE_HARD_LIMIT_BYTES = 20 * LineCodec.SAMPLE_RATE;
    /**
     * When the phone sends nothing for this long (silence suppression, comfort noise, a stalled
     * network) the clock feeds the agent silence, since ElevenLabs ends a conversation without input.
     */
    private static final long CALLER_SILENCE_FILL_NANOS = JITTER_WINDOW_NANOS + 20_000_000;
    private static final long PACKET_NANOS = 20_000_000;

    private final String callId;
    private final int chunkBytes;
    private final MediaListener listener;
    private final DatagramChannel channel;
    private final int localPort;
    private final MediaEngine engine;
    private final AgentAudioQueue queue;
    private volatile Pacer.Registration registration;
    private final CompletableFuture<Optional<InetSocketAddress>> rtpMapping = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Set by the call, read by the clock and receive threads.
    private volatile InetSocketAddress sdpRemote;
    private volatile InetSocketAddress latchedRemote;
    private volatile LineCodec lineCodec;
    private volatile int telephoneEventPayloadType = -1;
    private volatile AgentAudioFormat userInputFormat;
    private AgentAudioFormat ringingSilenceFormat;
    private byte[] ringingSilence;
    private long lastRingingSilenceNanos;
    private volatile AgentAudioFormat agentOutputFormat;
    private volatile boolean answered;
    private volatile long answeredAtNanos;
    private volatile long lastPacketNanos;
    private boolean timeoutReported;

    // Downlink: the clock thread's send state, and what the call's threads share with it under downlinkLock.
    private final ReentrantLock downlinkLock = new ReentrantLock();
    private final DtmfSender dtmfSender = new DtmfSender();
    private DownlinkConverter downlinkConverter;
    private final long ssrc;
    private final long initialTimestamp;
    private int nextSequence;
    private long firstCycle = -1;
    private boolean previousTickHadAudio;
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
    private boolean firstPacketSeen;

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
    private volatile long malformedPackets;
    private volatile long dtmfIn;

    RtpMediaSession(String callId, int chunkMs, MediaListener listener, DatagramChannel channel, MediaEngine engine)
            throws IOException {
        this.callId = callId;
        this.chunkBytes = chunkMs * LineCodec.SAMPLE_RATE / 1000;
        this.listener = listener;
        this.channel = channel;
        this.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        this.engine = engine;
        this.ssrc = engine.random().nextLong(1L << 32);
        this.initialTimestamp = engine.random().nextLong(1L << 32);
        this.nextSequence = engine.random().nextInt(1 << 16);
        this.chunk = new byte[chunkBytes];
        this.queue = new AgentAudioQueue(callId, QUEUE_HIGH_WATER_BYTES, QUEUE_HARD_LIMIT_BYTES, engine.callbacks());
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
    public void connect(InetSocketAddress remote, int payloadType, int telephoneEventPayloadType) {
        Objects.requireNonNull(remote, "remote");
        LineCodec codec = LineCodec.fromPayloadType(payloadType).orElseThrow(() -> new IllegalArgumentException(
                "call " + callId + ": payload type " + payloadType + " is not PCMU (0) or PCMA (8)"));
        InetSocketAddress previous = sdpRemote;
        if (previous != null && !previous.equals(remote)) {
            // A re-INVITE moved the far end: follow the new SDP until its media arrives, then latch again.
            latchedRemote = null;
        }
        this.telephoneEventPayloadType = telephoneEventPayloadType;
        this.lineCodec = codec;
        this.sdpRemote = remote;
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
        answered = true;
    }

    @Override
    public CompletionStage<Void> playAgentAudio(byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        byte[] ulaw;
        downlinkLock.lock();
        try {
            if (downlinkConverter == null) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "call " + callId + ": agent audio arrived before the agent's formats were set"));
            }
            ulaw = downlinkConverter.convert(audio);
            agentAudioBytesReceived += ulaw.length;
        } finally {
            downlinkLock.unlock();
        }
        return queue.add(ulaw, !answered);
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
    public void whenQueueDrained(Runnable action) {
        queue.whenDrained(Objects.requireNonNull(action, "action"));
    }

    @Override
    public boolean sendDtmf(String digits) {
        Objects.requireNonNull(digits, "digits");
        if (telephoneEventPayloadType < 0) {
            return false;
        }
        downlinkLock.lock();
        try {
            boolean accepted = dtmfSender.enqueue(digits);
            if (!accepted) {
                LOG.log(System.Logger.Level.WARNING, "call {0}: not DTMF digits, nothing sent: {1}", callId, digits);
            }
            return accepted;
        } finally {
            downlinkLock.unlock();
        }
    }

    // ---- downlink: the pacing clock's thread ----

    @Override
    public void onTick(long cycle, long deadlineNanos) {
        if (closed.get()) {
            return;
        }
        checkMediaTimeout(deadlineNanos);
        expireHeldCallerAudio(deadlineNanos);
        InetSocketAddress latched = latchedRemote;
        InetSocketAddress target = latched != null ? latched : sdpRemote;
        LineCodec codec = lineCodec;
        if (target == null || codec == null) {
            return;
        }
        if (firstCycle < 0) {
            firstCycle = cycle;
        }
        long timestamp = (initialTimestamp + (cycle - firstCycle) * SAMPLES) & 0xFFFF_FFFFL;
        int payloadLength = fillPayload(codec, timestamp);
        try {
            sendView.clear().limit(RtpPacket.FIXED_HEADER_LENGTH + payloadLength);
            channel.send(sendView, target);
            packetsOut++;
            bytesOut += payloadLength;
        } catch (IOException e) {
            if (!closed.get()) {
                LOG.log(System.Logger.Level.DEBUG, "call {0}: RTP send to {1} failed: {2}", callId, target, e.toString());
            }
        }
    }

    /** Writes this tick's packet into the send buffer and returns its payload length. */
    private int fillPayload(LineCodec codec, long timestamp) {
        int eventPayloadType = telephoneEventPayloadType;
        Optional<DtmfSender.Step> dtmf = Optional.empty();
        if (eventPayloadType >= 0) {
            downlinkLock.lock();
            try {
                if (!dtmfSender.idle()) {
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
            return TelephoneEvent.LENGTH;
        }
        int audio = answered ? queue.poll(sendBuffer, RtpPacket.FIXED_HEADER_LENGTH, SAMPLES, G711.ULAW_SILENCE) : 0;
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

    private void checkMediaTimeout(long nowNanos) {
        if (!answered || timeoutReported) {
            return;
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
     * Plays out caller packets held past the jitter window when nothing else arrives, and keeps the
     * agent's input going with silence while the phone sends nothing. Never waits for the lock:
     * the receive thread holding it is delivering audio anyway.
     */
    private void expireHeldCallerAudio(long nowNanos) {
        if (uplinkLock.tryLock()) {
            try {
                if (jitterBuffer.heldPackets() > 0) {
                    jitterBuffer.expire(nowNanos);
                }
                if (answered && nowNanos - lastCallerFrameNanos >= CALLER_SILENCE_FILL_NANOS) {
                    onCallerFrame(null);
                    lastCallerFrameNanos = nowNanos - CALLER_SILENCE_FILL_NANOS + PACKET_NANOS;
                } else if (!answered) {
                    feedSilenceWhileRinging(nowNanos);
                }
            } finally {
                uplinkLock.unlock();
            }
        }
    }

    // ---- uplink: this call's receive thread ----

    /** Handles one datagram, on the engine's receive thread. */
    void onDatagram(byte[] data, int length, InetSocketAddress source, long nowNanos) {
        StunClient stun = engine.stun();
        if (stun != null && stun.offer(data, 0, length, source)) {
            return; // RFC 7983: a first byte of 0..3 is STUN, never RTP (whose version bits make it 128..191)
        }
        Optional<RtpPacket> parsed = RtpPacket.parse(data, 0, length);
        if (parsed.isEmpty()) {
            malformedPackets++;
            return;
        }
        RtpPacket packet = parsed.get();
        int eventPayloadType = telephoneEventPayloadType;
        boolean isEvent = eventPayloadType >= 0 && packet.payloadType() == eventPayloadType;
        boolean isAudio = LineCodec.fromPayloadType(packet.payloadType()).isPresent();
        InetSocketAddress latched = latchedRemote;
        if (latched == null && (isAudio || isEvent)) {
            // Symmetric RTP (RFC 4961): from now on, send where the far end's media comes from.
            latchedRemote = source;
        } else if (latched == null || !latched.equals(source)) {
            foreignPackets++;
            return;
        }
        if (!isEvent && !isAudio) {
            // Comfort noise and the like: nothing to pass on, but the far end is alive.
            lastPacketNanos = nowNanos;
            return;
        }
        uplinkLock.lock();
        try {
            receive(packet, isEvent, nowNanos);
        } finally {
            uplinkLock.unlock();
        }
        if (!firstPacketSeen) {
            firstPacketSeen = true;
            listener.onFirstPacket();
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

    /** A frame of caller audio in play order; null is a frame of silence. Runs under uplinkLock. */
    private void onCallerFrame(byte[] payload) {
        AgentAudioFormat format = userInputFormat;
        LineCodec codec = lineCodec;
        if (!answered || format == null || codec == null) {
            return;
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
                userAudioBytesToAgent / 8, agentAudioBytesReceived / 8);
    }

    @Override
    public Map<String, Object> debug() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("local_port", localPort);
        out.put("sdp_remote", String.valueOf(sdpRemote));
        out.put("latched_remote", String.valueOf(latchedRemote));
        out.put("line_codec", String.valueOf(lineCodec));
        out.put("agent_input_format", userInputFormat == null ? "" : userInputFormat.wireName());
        out.put("agent_output_format", agentOutputFormat == null ? "" : agentOutputFormat.wireName());
        out.put("answered", answered);
        Pacer.Registration placed = registration;
        out.put("pacer_slot", placed == null ? -1 : placed.slot());
        out.put("agent_queue_ms", queue.queuedBytes() / 8);
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
        out.put("foreign_packets_ignored", foreignPackets);
        out.put("malformed_packets", malformedPackets);
        out.put("dtmf_received", dtmfIn);
        MediaStats stats = stats();
        out.put("packets_in", stats.packetsIn());
        out.put("packets_out", stats.packetsOut());
        out.put("bytes_in", stats.bytesIn());
        out.put("bytes_out", stats.bytesOut());
        out.put("lost", stats.lost());
        out.put("jitter_ms", stats.jitterMs());
        return out;
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
        rtpMapping.complete(Optional.empty());
        try {
            // The port may be reused only once the socket is really closed.
            engine.receiver().unregisterAndClose(channel).get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "call {0}: the RTP socket was slow to close: {1}", callId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.release(this);
    }

    String callId() {
        return callId;
    }
}
