package io.voiceagent.rtp;

/**
 * RFC 3550 appendix A.1: validates a source's sequence numbers (probation before a source counts,
 * wrap-around, large jumps as a restart once confirmed) and counts what RFC 3550 A.3 needs for the
 * cumulative number of packets lost. Not thread-safe: one receiving thread owns it.
 */
public final class RtpSequence {

    private static final int RTP_SEQ_MOD = 1 << 16;
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int MIN_SEQUENTIAL = 2;

    /** What one packet's sequence number means. */
    public enum Verdict {
        /** In sequence (or a tolerated reordering): use it. */
        VALID,
        /** The source is still on probation; the packet is plausible but not yet counted as valid. */
        PROBATION,
        /** The source jumped and was re-synchronised: use it, and reset anything keyed on the old numbers. */
        RESTARTED,
        /** A jump too large to trust (yet): drop it. */
        INVALID
    }

    private boolean initialised;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private long badSeq = RTP_SEQ_MOD + 1;
    private int probation;
    private long received;

    /** Judges one packet and updates the counters. */
    public Verdict update(int seq) {
        if (!initialised) {
            init(seq);
            maxSeq = seq - 1;
            probation = MIN_SEQUENTIAL;
            initialised = true;
        }
        int delta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    init(seq);
                    received++;
                    return Verdict.VALID;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return Verdict.PROBATION;
        } else if (delta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += RTP_SEQ_MOD;
            }
            maxSeq = seq;
        } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                init(seq);
                received++;
                return Verdict.RESTARTED;
            }
            badSeq = (seq + 1) & 0xFFFF;
            return Verdict.INVALID;
        }
        // else: a duplicate or a packet reordered within MAX_MISORDER.
        received++;
        return Verdict.VALID;
    }

    private void init(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = RTP_SEQ_MOD + 1;
        cycles = 0;
        received = 0;
    }

    /** The highest sequence number seen, extended with the wrap-around count. */
    public long extendedMax() {
        return cycles + maxSeq;
    }

    /** Packets expected since the source was validated (RFC 3550 A.3). */
    public long expected() {
        return initialised && probation == 0 ? extendedMax() - baseSeq + 1 : 0;
    }

    /** Valid packets received, duplicates included as RFC 3550 counts them. */
    public long received() {
        return received;
    }

    /** Cumulative packets lost (RFC 3550 A.3), never below zero even when duplicates arrived. */
    public long lost() {
        return Math.max(0, expected() - received);
    }
}
