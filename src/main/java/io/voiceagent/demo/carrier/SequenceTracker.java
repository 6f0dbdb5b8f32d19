package io.voiceagent.demo.carrier;

/**
 * Counts RTP packets received, lost and duplicated from their 16-bit sequence numbers (RFC 3550
 * §A.1, simplified): the highest extended sequence number plus a 64-packet window of what was seen.
 * Written by one thread; the counters may be read by any.
 */
final class SequenceTracker {

    private static final int WINDOW = 64;

    private boolean started;
    private long firstExtended;
    private long highestExtended;
    private long seenWindow;
    private volatile long received;
    private volatile long duplicated;
    private volatile long expected;

    void record(int sequence) {
        if (!started) {
            started = true;
            firstExtended = sequence;
            highestExtended = sequence;
            seenWindow = 1;
            received = 1;
            expected = 1;
            return;
        }
        int delta = (short) (sequence - (int) (highestExtended & 0xFFFF));
        if (delta > 0) {
            highestExtended += delta;
            seenWindow = delta >= WINDOW ? 1 : (seenWindow << delta) | 1;
            expected = highestExtended - firstExtended + 1;
        } else {
            int behind = -delta;
            if (behind < WINDOW && (seenWindow & (1L << behind)) != 0) {
                duplicated++;
                return;
            }
            if (behind < WINDOW) {
                seenWindow |= 1L << behind;
            }
        }
        received++;
    }

    long received() {
        return received;
    }

    long duplicated() {
        return duplicated;
    }

    /** Expected minus received; a late packet that arrives after all still counts as received. */
    long lost() {
        return Math.max(0, expected - received);
    }
}
