package io.voiceagent.media;

import io.voiceagent.rtp.RtcpPacket;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's RTCP (RFC 3550 section 6): a report every {@value #INTERVAL_MS} ms (SR while we send
 * RTP, RR while we do not), the far end's reports read for the round-trip time (section 6.4.1:
 * A - LSR - DLSR) and for its view of our stream's loss and jitter, and a BYE at the end. A far
 * end that sends no RTCP simply leaves those figures unknown ({@link MediaStats.FarEndReport#NONE}).
 *
 * <p>The interval is fixed rather than randomised (section 6.3.1): a call has two participants, so
 * there is no group to desynchronise, and the minimum of 5 s is what section 6.2 recommends.
 *
 * <p>Thread-safe: the pacing clock builds reports, the receive thread reads the far end's, anyone
 * reads {@link #farEnd()}. One lock, never held while calling out, and never waited for by the pacing
 * clock: when another thread holds it, the report goes a tick later.
 */
final class RtcpSession {

    static final long INTERVAL_MS = 5000;
    private static final long INTERVAL_NANOS = INTERVAL_MS * 1_000_000;
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    /** What we sent: section 6.4.1's sender info. */
    record Sent(long packets, long octets, long rtpTimestamp) {
    }

    /** What we received from the far end's source, for a reception report (appendix A.3). */
    record Received(long ssrc, long extendedHighestSeq, long expected, long received, double jitterUnits) {
    }

    private final long ssrc;
    private final String cname;
    private final int clockRate;
    private final long wallClockOffsetNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** The pacing clock's alone: read by {@link #due} without the lock, written under it. */
    private long nextReportNanos = Long.MIN_VALUE;
    private long packetsAtLastReport;
    private long expectedPrior;
    private long receivedPrior;
    private long lastSrCompactNtp;
    private long lastSrArrivalNanos;
    private MediaStats.FarEndReport farEnd = MediaStats.FarEndReport.NONE;
    private long reportsReceived;

    /**
     * @param wallClockOffsetNanos added to the monotonic clock gives nanoseconds since the Unix
     *                             epoch, for the NTP timestamps of our SRs
     */
    RtcpSession(long ssrc, String cname, int clockRate, long wallClockOffsetNanos) {
        this.ssrc = ssrc;
        this.cname = cname;
        this.clockRate = clockRate;
        this.wallClockOffsetNanos = wallClockOffsetNanos;
    }

    /**
     * Pacing clock: whether {@link #reportIfDue} may have a report now, or is yet to be called once (its
     * first call only starts the interval), so that the figures for a report are gathered only then.
     * Takes no lock.
     */
    boolean due(long nowNanos) {
        return nextReportNanos == Long.MIN_VALUE || nowNanos >= nextReportNanos;
    }

    /**
     * Pacing clock: the compound report to send now, or empty when the interval has not passed yet or
     * the receive thread holds the lock (reading a far-end report; the report then stays due).
     */
    Optional<byte[]> reportIfDue(long nowNanos, Sent sent, Optional<Received> received) {
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        try {
            if (nextReportNanos == Long.MIN_VALUE) {
                nextReportNanos = nowNanos + INTERVAL_NANOS;
                return Optional.empty();
            }
            if (nowNanos < nextReportNanos) {
                return Optional.empty();
            }
            nextReportNanos = nowNanos + INTERVAL_NANOS;
            return Optional.of(RtcpPacket.compound(List.of(report(nowNanos, sent, received),
                    new RtcpPacket.SourceDescription(ssrc, cname))));
        } finally {
            lock.unlock();
        }
    }

    /** The last report with a BYE (section 6.6), sent when the call ends. */
    byte[] bye(long nowNanos, Sent sent, Optional<Received> received) {
        lock.lock();
        try {
            return RtcpPacket.compound(List.of(report(nowNanos, sent, received),
                    new RtcpPacket.SourceDescription(ssrc, cname), new RtcpPacket.Bye(List.of(ssrc))));
        } finally {
            lock.unlock();
        }
    }

    /** An SR when we sent RTP since the last report, else an RR. Runs under the lock. */
    private RtcpPacket report(long nowNanos, Sent sent, Optional<Received> received) {
        List<RtcpPacket.ReportBlock> blocks = new ArrayList<>(1);
        received.ifPresent(r -> blocks.add(block(r, nowNanos)));
        boolean sentSince = sent.packets() > packetsAtLastReport;
        packetsAtLastReport = sent.packets();
        if (!sentSince) {
            return new RtcpPacket.ReceiverReport(ssrc, blocks);
        }
        return new RtcpPacket.SenderReport(ssrc, ntp(nowNanos), sent.rtpTimestamp() & 0xFFFF_FFFFL,
                sent.packets() & 0xFFFF_FFFFL, sent.octets() & 0xFFFF_FFFFL, blocks);
    }

    private RtcpPacket.ReportBlock block(Received r, long nowNanos) {
        long expectedInterval = r.expected() - expectedPrior;
        long receivedInterval = r.received() - receivedPrior;
        expectedPrior = r.expected();
        receivedPrior = r.received();
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        int cumulative = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r.expected() - r.received()));
        long delay = lastSrCompactNtp == 0 ? 0 : (nowNanos - lastSrArrivalNanos) * 65536 / 1_000_000_000L;
        return new RtcpPacket.ReportBlock(r.ssrc(), fraction, cumulative, r.extendedHighestSeq() & 0xFFFF_FFFFL,
                Math.round(r.jitterUnits()) & 0xFFFF_FFFFL, lastSrCompactNtp, delay & 0xFFFF_FFFFL);
    }

    /**
     * Reads a compound packet from the far end. Returns false when it is not RTCP. Reports about
     * other sources than ours (a conference bridge's) are ignored.
     */
    boolean onPacket(byte[] data, int length, long nowNanos) {
        Optional<List<RtcpPacket>> parsed = RtcpPacket.parseCompound(data, 0, length);
        if (parsed.isEmpty()) {
            return false;
        }
        lock.lock();
        try {
            for (RtcpPacket packet : parsed.get()) {
                switch (packet) {
                    case RtcpPacket.SenderReport sr -> {
                        lastSrCompactNtp = sr.compactNtp();
                        lastSrArrivalNanos = nowNanos;
                        sr.blocks().forEach(b -> onBlock(b, nowNanos));
                    }
                    case RtcpPacket.ReceiverReport rr -> rr.blocks().forEach(b -> onBlock(b, nowNanos));
                    default -> {
                        // SDES and BYE change nothing here: the call's signalling ends it.
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void onBlock(RtcpPacket.ReportBlock block, long nowNanos) {
        if (block.ssrc() != ssrc) {
            return;
        }
        double roundTrip = farEnd.roundTripMs();
        if (block.lastSr() != 0) {
            long compactNow = (ntp(nowNanos) >>> 16) & 0xFFFF_FFFFL;
            long units = (compactNow - block.lastSr() - block.delaySinceLastSr()) & 0xFFFF_FFFFL;
            // A negative result (clock steps, a bogus echo) wraps to a huge value: keep the old figure.
            if (units < 65536L * 60) {
                roundTrip = units * 1000.0 / 65536;
            }
        }
        farEnd = new MediaStats.FarEndReport(roundTrip, block.fractionLost() / 256.0,
                Math.max(0, block.cumulativeLost()), block.jitter() * 1000.0 / clockRate);
        reportsReceived++;
    }

    /** The far end's view of our stream, from its latest report about it. */
    MediaStats.FarEndReport farEnd() {
        lock.lock();
        try {
            return farEnd;
        } finally {
            lock.unlock();
        }
    }

    /** Reports about our stream received so far. */
    long reportsReceived() {
        lock.lock();
        try {
            return reportsReceived;
        } finally {
            lock.unlock();
        }
    }

    /** A 64-bit NTP timestamp (seconds since 1900 and a binary fraction) for a monotonic instant. */
    private long ntp(long nowNanos) {
        long unixNanos = nowNanos + wallClockOffsetNanos;
        long seconds = Math.floorDiv(unixNanos, 1_000_000_000L) + NTP_UNIX_OFFSET_SECONDS;
        long fraction = (Math.floorMod(unixNanos, 1_000_000_000L) << 32) / 1_000_000_000L;
        return seconds << 32 | fraction;
    }
}
