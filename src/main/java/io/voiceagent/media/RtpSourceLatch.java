package io.voiceagent.media;

import io.voiceagent.net.AddressScope;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Strict RTP source latching: which address the far end's RTP may come from, and so where ours
 * goes (symmetric RTP, RFC 4961). Modelled on Asterisk's {@code strictrtp} learning and rtpengine's
 * learning mode, so that a stranger spraying our port range neither hears the call nor talks into it.
 *
 * <ul>
 *   <li>Packets from the far end's SDP address (IP and port) are always accepted.</li>
 *   <li>Another port on the IP we already talk to (a phone that sends from a port other than the
 *       one in its SDP, a NAT that renumbered it) is adopted after {@code packetsToLearn} consecutive
 *       packets from it with one SSRC and consecutive sequence numbers, and only once the current
 *       source has been silent for {@value #SILENCE_BEFORE_SWITCH_MS} ms.</li>
 *   <li>Another IP is adopted by the same rule only when the SDP address is unroutable from us
 *       (RFC 1918, RFC 6598, link-local: the far end is behind NAT and its packets come from its
 *       router), and only within {@value #LEARNING_WINDOW_MS} ms of the answer or of a later
 *       offer/answer (re-INVITE, UPDATE); never while the phone rings.</li>
 *   <li>A new SDP address (the answer after early media, a re-INVITE that moves the media) becomes
 *       the current source at once: the answered media wins.</li>
 * </ul>
 *
 * Thread-safe: the receive thread judges packets, the call's threads report SDP changes and the
 * answer, the pacing clock reads {@link #target()}. One lock, never held while calling out.
 */
final class RtpSourceLatch {

    /** Whether a packet may be used. */
    enum Verdict {
        /** From the current source (or it just became the current source). */
        ACCEPT,
        /** From a source that may be adopted after more packets; dropped for now. */
        LEARNING,
        /** From a source that may not be adopted now. */
        FOREIGN_SOURCE
    }

    static final int DEFAULT_PACKETS_TO_LEARN = 4;
    static final long SILENCE_BEFORE_SWITCH_MS = 200;
    static final long LEARNING_WINDOW_MS = 2000;
    private static final long SILENCE_BEFORE_SWITCH_NANOS = SILENCE_BEFORE_SWITCH_MS * 1_000_000;
    private static final long LEARNING_WINDOW_NANOS = LEARNING_WINDOW_MS * 1_000_000;

    /** A source that is sending but not adopted yet: how many consecutive packets it sent. */
    private record Candidate(InetSocketAddress source, long ssrc, int lastSequence, int packets) {
        Candidate next(InetSocketAddress from, long packetSsrc, int sequence) {
            if (source.equals(from) && ssrc == packetSsrc && sequence == ((lastSequence + 1) & 0xFFFF)) {
                return new Candidate(source, ssrc, sequence, packets + 1);
            }
            return new Candidate(from, packetSsrc, sequence, 1);
        }
    }

    private final int packetsToLearn;
    private final ReentrantLock lock = new ReentrantLock();
    private InetSocketAddress sdp;
    private boolean sdpUnroutable;
    private volatile InetSocketAddress current;
    private boolean currentHeard;
    private long lastFromCurrentNanos;
    private boolean answered;
    private long learningWindowEndsNanos;
    private Candidate candidate;

    RtpSourceLatch(int packetsToLearn) {
        if (packetsToLearn < 1) {
            throw new IllegalArgumentException("packets to learn a source must be at least 1: " + packetsToLearn);
        }
        this.packetsToLearn = packetsToLearn;
    }

    /**
     * The far end's SDP address, from early media (18x), the answer, or a later offer or answer.
     * After the answer, each call opens a new learning window.
     */
    void expect(InetSocketAddress sdpAddress, long nowNanos) {
        Objects.requireNonNull(sdpAddress, "sdpAddress");
        lock.lock();
        try {
            if (!sdpAddress.equals(sdp)) {
                sdp = sdpAddress;
                sdpUnroutable = AddressScope.isPrivate(sdpAddress.getAddress());
                current = sdpAddress;
                currentHeard = false;
                candidate = null;
            }
            if (answered) {
                learningWindowEndsNanos = nowNanos + LEARNING_WINDOW_NANOS;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The call is answered: from now on, and for the learning window, another IP may be learned. */
    void answered(long nowNanos) {
        lock.lock();
        try {
            answered = true;
            learningWindowEndsNanos = nowNanos + LEARNING_WINDOW_NANOS;
        } finally {
            lock.unlock();
        }
    }

    /** Judges one well-formed RTP packet from {@code source}. */
    Verdict judge(InetSocketAddress source, long ssrc, int sequenceNumber, long nowNanos) {
        lock.lock();
        try {
            if (sdp == null) {
                return Verdict.FOREIGN_SOURCE;
            }
            if (source.equals(current) || source.equals(sdp)) {
                current = source;
                currentHeard = true;
                lastFromCurrentNanos = nowNanos;
                return Verdict.ACCEPT;
            }
            if (!mayLearn(source, nowNanos)) {
                return Verdict.FOREIGN_SOURCE;
            }
            candidate = candidate == null ? new Candidate(source, ssrc, sequenceNumber, 1)
                    : candidate.next(source, ssrc, sequenceNumber);
            boolean currentSilent = !currentHeard || nowNanos - lastFromCurrentNanos >= SILENCE_BEFORE_SWITCH_NANOS;
            if (candidate.packets() >= packetsToLearn && currentSilent) {
                current = source;
                currentHeard = true;
                lastFromCurrentNanos = nowNanos;
                candidate = null;
                return Verdict.ACCEPT;
            }
            return Verdict.LEARNING;
        } finally {
            lock.unlock();
        }
    }

    private boolean mayLearn(InetSocketAddress source, long nowNanos) {
        InetAddress ip = source.getAddress();
        if (ip.equals(current.getAddress()) || ip.equals(sdp.getAddress())) {
            return true;
        }
        return sdpUnroutable && answered && nowNanos < learningWindowEndsNanos;
    }

    /** Where our RTP goes: the adopted source, the SDP address until another is adopted; empty before any SDP. */
    Optional<InetSocketAddress> target() {
        return Optional.ofNullable(current);
    }
}
