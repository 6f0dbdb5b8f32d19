package io.voiceagent.app.exolve;

import io.voiceagent.media.G711;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The person's phone behind an Exolve call: its own RTP socket, a packet of PCMA (RFC 3551, payload
 * type 8) every 20 ms from the answer on, silence until the agent's greeting has been heard and has
 * ended (speech, then a pause), then the recorded caller phrase once, then silence again. What it
 * receives is decoded and measured, so a test can tell that it heard real audio and not silence.
 * RTP headers (RFC 3550 §5.1) are written and read here, independent of the service's RTP code.
 */
public final class PeerPhone implements AutoCloseable {
    public static final int PCMA = 8;
    private static final int SAMPLES_PER_PACKET = 160;
    private static final long PACKET_NANOS = 20_000_000L;
    /** RMS (16-bit linear) of a 20 ms frame above which it counts as speech. */
    private static final double SPEECH_RMS = 400;
    /** A pause this long after speech means the agent finished its turn. */
    private static final long END_OF_TURN_NANOS = 700_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private enum Stage { AWAITING_GREETING, HEARING_GREETING, SPEAKING, SPOKEN }

    private final DatagramSocket socket;
    private final byte[] phrase;
    private final AtomicInteger packetsReceived = new AtomicInteger();
    private final AtomicInteger speechPacketsReceived = new AtomicInteger();
    private final AtomicInteger packetsSent = new AtomicInteger();
    private final Set<Integer> payloadTypesReceived = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSpeechAtNanos = new AtomicLong(NEVER);
    private volatile Stage stage = Stage.AWAITING_GREETING;
    private volatile boolean running = true;
    private final AtomicReference<Thread> sender = new AtomicReference<>();
    private final Thread receiver;

    PeerPhone() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        phrase = G711.ulawToAlaw(callerPhraseUlaw());
        receiver = Thread.ofVirtual().name("peer-phone-rtp-in").start(this::receiveLoop);
    }

    private static byte[] callerPhraseUlaw() {
        try (InputStream in = PeerPhone.class.getResourceAsStream("/demo/caller-phrase.ulaw")) {
            if (in == null) {
                throw new IllegalStateException("/demo/caller-phrase.ulaw is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** Starts sending to the address the service's SDP answer named. Called once, on the answer. */
    void startSending(InetSocketAddress remote) {
        Thread thread = Thread.ofVirtual().name("peer-phone-rtp-out").unstarted(() -> sendLoop(remote));
        if (running && sender.compareAndSet(null, thread)) {
            thread.start();
        }
    }

    private void sendLoop(InetSocketAddress remote) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long ssrc = random.nextLong(1L << 32);
        int sequence = random.nextInt(1 << 16);
        long timestamp = random.nextLong(1L << 32);
        long start = System.nanoTime();
        int phraseOffset = 0;
        boolean marker = true;
        for (long n = 0; running; n++) {
            long due = start + n * PACKET_NANOS;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            advanceStage();
            byte[] payload = new byte[SAMPLES_PER_PACKET];
            if (stage == Stage.SPEAKING) {
                if (phraseOffset == 0) {
                    marker = true;
                }
                int count = Math.min(SAMPLES_PER_PACKET, phrase.length - phraseOffset);
                System.arraycopy(phrase, phraseOffset, payload, 0, count);
                Arrays.fill(payload, count, SAMPLES_PER_PACKET, G711.ALAW_SILENCE);
                phraseOffset += count;
                if (phraseOffset >= phrase.length) {
                    stage = Stage.SPOKEN;
                }
            } else {
                Arrays.fill(payload, G711.ALAW_SILENCE);
            }
            byte[] packet = rtp(marker, sequence, timestamp, ssrc, payload);
            marker = false;
            try {
                socket.send(new DatagramPacket(packet, packet.length, remote));
                packetsSent.incrementAndGet();
            } catch (IOException e) {
                return;
            }
            sequence = (sequence + 1) & 0xFFFF;
            timestamp = (timestamp + SAMPLES_PER_PACKET) & 0xFFFFFFFFL;
        }
    }

    private void advanceStage() {
        long lastSpeech = lastSpeechAtNanos.get();
        switch (stage) {
            case AWAITING_GREETING -> {
                if (lastSpeech != NEVER) {
                    stage = Stage.HEARING_GREETING;
                }
            }
            case HEARING_GREETING -> {
                if (System.nanoTime() - lastSpeech >= END_OF_TURN_NANOS) {
                    stage = Stage.SPEAKING;
                }
            }
            default -> { }
        }
    }

    /** RFC 3550 §5.1 fixed header: V=2, no padding, extension or CSRC. */
    private static byte[] rtp(boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {
        byte[] out = new byte[12 + payload.length];
        out[0] = (byte) 0x80;
        out[1] = (byte) ((marker ? 0x80 : 0) | PCMA);
        out[2] = (byte) (sequence >>> 8);
        out[3] = (byte) sequence;
        for (int i = 0; i < 4; i++) {
            out[4 + i] = (byte) (timestamp >>> (24 - 8 * i));
            out[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        System.arraycopy(payload, 0, out, 12, payload.length);
        return out;
    }

    private void receiveLoop() {
        byte[] buffer = new byte[2048];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                continue;
            }
            onPacket(packet.getData(), packet.getLength());
        }
    }

    private void onPacket(byte[] data, int length) {
        if (length < 12 || (data[0] & 0xC0) != 0x80) {
            return;
        }
        int csrcCount = data[0] & 0x0F;
        int headerLength = 12 + 4 * csrcCount;
        if ((data[0] & 0x10) != 0 && length >= headerLength + 4) {
            headerLength += 4 + 4 * (((data[headerLength + 2] & 0xFF) << 8) | (data[headerLength + 3] & 0xFF));
        }
        if (length < headerLength) {
            return;
        }
        int payloadType = data[1] & 0x7F;
        packetsReceived.incrementAndGet();
        payloadTypesReceived.add(payloadType);
        if (payloadType == PCMA && rms(data, headerLength, length) >= SPEECH_RMS) {
            speechPacketsReceived.incrementAndGet();
            lastSpeechAtNanos.set(System.nanoTime());
        }
    }

    private static double rms(byte[] data, int from, int to) {
        if (to <= from) {
            return 0;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            double sample = G711.alawToLinear(data[i]);
            sum += sample * sample;
        }
        return Math.sqrt(sum / (to - from));
    }

    public int packetsReceived() {
        return packetsReceived.get();
    }

    /** Received 20 ms frames loud enough to be speech. */
    public int speechPacketsReceived() {
        return speechPacketsReceived.get();
    }

    public int packetsSent() {
        return packetsSent.get();
    }

    public Set<Integer> payloadTypesReceived() {
        return Set.copyOf(payloadTypesReceived);
    }

    /** True once the whole caller phrase has been sent. */
    public boolean phraseSpoken() {
        return stage == Stage.SPOKEN;
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        Thread s = sender.get();
        try {
            receiver.join(2_000);
            if (s != null) {
                s.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
