package io.voiceagent.demo.carrier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The phone that answered a demo call: an RTP endpoint on its own loopback UDP port. It sends a
 * packet every 20 ms from the shared {@link PacingClock} (silence, or its phrase once the agent's
 * greeting has ended), hears what the service sends through the shared {@link RtpReceiver}, and
 * records what it received so that tests and the benchmark can check it.
 */
public final class SimulatedPhone {

    /** Where the conversation is, from the phone's point of view. */
    public enum Stage { AWAITING_GREETING, HEARING_GREETING, SPEAKING, AWAITING_REPLY, HEARING_REPLY, FINISHED }

    /** Why the phone's call ended. */
    public enum Ending { PHONE_HUNG_UP, CALLER_HUNG_UP, CARRIER_SHUT_DOWN }

    private static final System.Logger LOG = System.getLogger(SimulatedPhone.class.getName());
    private static final int SAMPLES_PER_FRAME = 160;
    private static final long NANOS_PER_SAMPLE = 125_000; // 8 kHz

    private final String callId;
    private final String number;
    private final DatagramChannel channel;
    private final SdpNegotiation.Agreed media;
    private final DemoCarrierOptions.CallerPhrase phrase;
    private final CallerScript script;
    private final int speechThreshold;
    private final LongSupplier nanoTime;
    private final Runnable onHangUp;
    private final long answeredAtNanos;
    private final long ssrc;
    private final int maxRecordedBytes;
    private final int localPort;
    private final PacingClock.Paced pacedTick = this::tick;
    private volatile PacingClock pacer;
    private volatile RtpReceiver receiver;
    private final RtpProbe probe;

    // Sender state: touched only by the pacing thread.
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(RtpHeader.SIZE + SAMPLES_PER_FRAME);
    private final byte[] frame = new byte[SAMPLES_PER_FRAME];
    private int sequence;
    private long timestamp;
    private boolean talking;
    private volatile long packetsSent;

    // Receiver state: written only by the RtpReceiver thread, read by anyone.
    private final ReentrantLock recordingLock = new ReentrantLock();
    private byte[] recorded;
    private int recordedLength;
    private volatile long lastSpeechAtNanos = CallerScript.NEVER;
    private volatile long firstPacketAtNanos = CallerScript.NEVER;
    private volatile long firstSpeechAtNanos = CallerScript.NEVER;
    private final SequenceTracker sequences = new SequenceTracker();
    private long lastTransit;
    private boolean hasTransit;
    private volatile double jitterSamples;

    private final AtomicBoolean ended = new AtomicBoolean();
    private final CountDownLatch endedLatch = new CountDownLatch(1);
    private volatile Ending ending;

    private SimulatedPhone(String callId, String number, DatagramChannel channel, SdpNegotiation.Agreed media,
                           DemoCarrierOptions options, long hangUpAfterNanos, Runnable onHangUp, RtpProbe probe) {
        this.callId = callId;
        this.probe = probe;
        this.number = number;
        this.channel = channel;
        this.localPort = channel.socket().getLocalPort();
        this.media = media;
        this.phrase = options.callerPhrase();
        this.speechThreshold = options.speechThreshold();
        this.nanoTime = options.nanoTime();
        this.onHangUp = onHangUp;
        this.answeredAtNanos = nanoTime.getAsLong();
        this.script = new CallerScript(phrase.frames(), answeredAtNanos, options.endOfTurnSilence().toNanos(),
                hangUpAfterNanos);
        RandomGenerator random = options.random();
        this.ssrc = random.nextInt() & 0xFFFFFFFFL;
        this.sequence = random.nextInt(1 << 16);
        this.timestamp = random.nextInt() & 0xFFFFFFFFL;
        this.maxRecordedBytes = options.recordAudio()
                ? (int) Math.min(Integer.MAX_VALUE - 8, options.maxCallLength().toSeconds() * 8000 + 8000) : 0;
        this.recorded = new byte[options.recordAudio() ? 8000 : 0];
    }

    /** Opens the phone's RTP socket; it starts sending and listening when {@link #start} is called. */
    static SimulatedPhone open(String callId, String number, SdpNegotiation.Agreed media,
                               DemoCarrierOptions options, Duration hangUpAfter, Runnable onHangUp,
                               RtpProbe probe) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new SimulatedPhone(callId, number, channel, media, options, hangUpAfter.toNanos(), onHangUp, probe);
    }

    void start(PacingClock pacer, RtpReceiver receiver) throws IOException {
        this.pacer = pacer;
        this.receiver = receiver;
        channel.configureBlocking(false);
        receiver.register(channel, this::onDatagram);
        pacer.add(pacedTick);
    }

    /** Stops sending and listening and closes the socket; idempotent. */
    void end(Ending why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        ending = why;
        if (pacer != null) {
            pacer.remove(pacedTick);
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a phone's RTP socket", e);
        }
        if (receiver != null) {
            receiver.release();
        }
        endedLatch.countDown();
    }

    private void tick(long nowNanos) {
        if (ended.get()) {
            return;
        }
        int action = script.tick(nowNanos, lastSpeechAtNanos);
        if (action == CallerScript.HANG_UP) {
            Thread.ofVirtual().name("demo-phone-hangup").start(onHangUp);
            return;
        }
        boolean startsTalkspurt = action >= 0 && !talking;
        talking = action >= 0;
        if (talking) {
            phrase.frame(action, media.law(), frame);
        } else {
            Arrays.fill(frame, media.law().silence());
        }
        sendBuffer.clear();
        new RtpHeader(startsTalkspurt, media.audioPayloadType(), sequence, timestamp, ssrc, RtpHeader.SIZE,
                SAMPLES_PER_FRAME).writeTo(sendBuffer);
        sendBuffer.put(frame).flip();
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + SAMPLES_PER_FRAME) & 0xFFFFFFFFL;
        try {
            if (channel.send(sendBuffer, media.remoteRtp()) > 0) {
                packetsSent++;
                probe.sent(this, frame, nowNanos);
            }
        } catch (ClosedChannelException e) {
            // The call ended between the check and the send.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "phone " + number + " could not send RTP", e);
        }
    }

    private void onDatagram(ByteBuffer packet, long receivedAtNanos) {
        if (!ended.get()) {
            RtpHeader.parse(packet).ifPresent(header -> onPacket(header, packet, receivedAtNanos));
        }
    }

    private void onPacket(RtpHeader header, ByteBuffer packet, long now) {
        sequences.record(header.sequence());
        probe.received(this, header.sequence(), header.timestamp(),
                packet.slice(header.payloadOffset(), header.payloadLength()), now);
        if (firstPacketAtNanos == CallerScript.NEVER) {
            firstPacketAtNanos = now;
        }
        if (header.payloadType() != media.audioPayloadType()) {
            return; // telephone-event and anything else carries no audio
        }
        updateJitter(header.timestamp(), now);
        long sumOfSquares = 0;
        for (int i = 0; i < header.payloadLength(); i++) {
            int sample = media.law().decode(packet.get(header.payloadOffset() + i));
            sumOfSquares += (long) sample * sample;
        }
        int samples = Math.max(1, header.payloadLength());
        if (Math.sqrt((double) sumOfSquares / samples) >= speechThreshold) {
            lastSpeechAtNanos = now;
            if (firstSpeechAtNanos == CallerScript.NEVER) {
                firstSpeechAtNanos = now;
            }
        }
        record(packet, header);
    }

    /** Interarrival jitter, RFC 3550 §6.4.1 and §A.8, in 8 kHz timestamp units. */
    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long transit = arrivalNanos / NANOS_PER_SAMPLE - rtpTimestamp;
        if (hasTransit) {
            int difference = Math.abs((int) (transit - lastTransit));
            jitterSamples += (difference - jitterSamples) / 16;
        }
        lastTransit = transit;
        hasTransit = true;
    }

    private void record(ByteBuffer packet, RtpHeader header) {
        int room = maxRecordedBytes - recordedLength;
        int length = Math.min(room, header.payloadLength());
        if (length <= 0) {
            return;
        }
        recordingLock.lock();
        try {
            if (recordedLength + length > recorded.length) {
                recorded = Arrays.copyOf(recorded, Math.min(maxRecordedBytes, Math.max(recorded.length * 2,
                        recordedLength + length)));
            }
            packet.get(header.payloadOffset(), recorded, recordedLength, length);
            recordedLength += length;
        } finally {
            recordingLock.unlock();
        }
    }

    /** The SIP Call-ID of the call this phone answered. */
    public String callId() {
        return callId;
    }

    /** The dialled number this phone answered. */
    public String number() {
        return number;
    }

    /** The phone's RTP port on 127.0.0.1 (the one in the SDP answer). */
    public int localPort() {
        return localPort;
    }

    /** Where the phone sends RTP: the address in the caller's SDP offer. */
    public InetSocketAddress remoteRtp() {
        return media.remoteRtp();
    }

    /** {@code PCMA} or {@code PCMU}. */
    public String codec() {
        return media.law() == G711.Law.A_LAW ? "PCMA" : "PCMU";
    }

    /** nanoTime when the phone picked up, just before its 200 OK was sent. */
    public long answeredAtNanos() {
        return answeredAtNanos;
    }

    /** nanoTime of the first RTP packet that arrived, if any. */
    public OptionalLong firstPacketAtNanos() {
        return optional(firstPacketAtNanos);
    }

    /** nanoTime of the first packet whose audio was louder than the speech threshold. */
    public OptionalLong firstSpeechAtNanos() {
        return optional(firstSpeechAtNanos);
    }

    /** Greeting latency: 200 OK to the first non-silent RTP packet at the phone. */
    public Optional<Duration> greetingLatency() {
        long first = firstSpeechAtNanos;
        return first == CallerScript.NEVER ? Optional.empty() : Optional.of(Duration.ofNanos(first - answeredAtNanos));
    }

    public long packetsReceived() {
        return sequences.received();
    }

    /** Packets missing from the sequence numbers seen so far. */
    public long packetsLost() {
        return sequences.lost();
    }

    public long packetsDuplicated() {
        return sequences.duplicated();
    }

    /** RFC 3550 interarrival jitter of the audio received: how unevenly the service paces its packets. */
    public Duration jitter() {
        return Duration.ofNanos((long) (jitterSamples * NANOS_PER_SAMPLE));
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** The audio received so far, decoded to 16-bit linear PCM at 8 kHz (empty when recording is off). */
    public short[] receivedAudio() {
        recordingLock.lock();
        try {
            short[] pcm = new short[recordedLength];
            for (int i = 0; i < recordedLength; i++) {
                pcm[i] = media.law().decode(recorded[i]);
            }
            return pcm;
        } finally {
            recordingLock.unlock();
        }
    }

    public Stage stage() {
        return script.stage();
    }

    public boolean hasEnded() {
        return ended.get();
    }

    /** Why the call ended; empty while it lasts. */
    public Optional<Ending> ending() {
        return Optional.ofNullable(ending);
    }

    /** Waits for the call to end; true when it did within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return endedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static OptionalLong optional(long nanos) {
        return nanos == CallerScript.NEVER ? OptionalLong.empty() : OptionalLong.of(nanos);
    }

    @Override
    public String toString() {
        return "SimulatedPhone[" + number + ", Call-ID " + callId + ", rtp 127.0.0.1:" + localPort() + ", " + stage() + "]";
    }
}
