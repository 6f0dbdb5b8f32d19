package io.voiceagent.media;

import java.util.Objects;

/**
 * Puts the caller's packets back in sequence order without adding delay to a clean stream: a packet
 * that is next in sequence goes out at once; one that arrives ahead of a gap is held until the gap
 * fills, or until it has waited the window (at most 60 ms) or packets a window ahead arrived, when
 * the missing packets become silence frames so the stream keeps its timing. Duplicates and packets
 * older than what was already played are dropped. Not thread-safe: the call's receive path owns it.
 */
public final class JitterBuffer {

    /** Where frames go, in order. */
    public interface Output {
        void frame(byte[] payload);

        /** One packet's worth of silence: for a packet lost or late, or one that carried no audio. */
        void silence();
    }

    /** A sequence jump this far ahead is a new stream, not a gap to fill with silence. */
    private static final int RESYNC_DISTANCE = 50;
    private static final int CAPACITY = 16;

    /** Stands in a slot for a packet that arrived but carries no audio (e.g. a telephone-event). */
    private static final byte[] SILENCE_MARK = new byte[0];

    private final int windowPackets;
    private final long windowNanos;
    private final Output output;
    private final byte[][] held = new byte[CAPACITY][];
    private final long[] heldSince = new long[CAPACITY];
    private int heldCount;
    private boolean started;
    private long nextSeq;
    /** Bit i set: sequence nextSeq-1-i was played from a real packet (for telling duplicates from late ones). */
    private long playedBits;
    private long duplicates;
    private long late;
    private long concealed;

    public JitterBuffer(int windowPackets, long windowNanos, Output output) {
        if (windowPackets < 1 || windowPackets >= CAPACITY) {
            throw new IllegalArgumentException("window must be 1.." + (CAPACITY - 1) + " packets: " + windowPackets);
        }
        this.windowPackets = windowPackets;
        this.windowNanos = windowNanos;
        this.output = Objects.requireNonNull(output, "output");
    }

    /** A packet with 16-bit sequence number {@code seq}; a null payload stands for one of silence. */
    public void offer(int seq, byte[] payload, long nowNanos) {
        if (!started) {
            started = true;
            nextSeq = seq;
        }
        long extended = nextSeq + (short) (seq - (int) (nextSeq & 0xFFFF));
        long ahead = extended - nextSeq;
        if (ahead < 0) {
            if (-ahead <= 64 && (playedBits & (1L << (-ahead - 1))) != 0) {
                duplicates++;
            } else {
                late++;
            }
            return;
        }
        if (ahead >= RESYNC_DISTANCE) {
            resyncTo(extended);
            ahead = 0;
        }
        if (ahead == 0) {
            play(payload);
            playHeldRun();
            expireBeyondWindow(nowNanos);
            return;
        }
        // Too far ahead for the slot ring: give up on the oldest gaps now.
        while (extended - nextSeq >= CAPACITY) {
            skipMissing();
        }
        if (extended == nextSeq) {
            play(payload);
            playHeldRun();
            return;
        }
        int slot = slot(extended);
        if (held[slot] != null) {
            duplicates++;
            return;
        }
        held[slot] = payload == null ? SILENCE_MARK : payload;
        heldSince[slot] = nowNanos;
        heldCount++;
        expireBeyondWindow(nowNanos);
    }

    /** Gives up on gaps whose successors have waited the whole window; call when time passes without packets. */
    public void expire(long nowNanos) {
        expireBeyondWindow(nowNanos);
    }

    /** Forgets the sequence, as when the source restarts with new numbers. Held packets are played first. */
    public void reset() {
        while (heldCount > 0) {
            skipMissing();
        }
        started = false;
        playedBits = 0;
    }

    public int heldPackets() {
        return heldCount;
    }

    public long duplicates() {
        return duplicates;
    }

    public long late() {
        return late;
    }

    /** Frames filled with silence because their packet was lost or came too late. */
    public long concealed() {
        return concealed;
    }

    private void expireBeyondWindow(long nowNanos) {
        while (heldCount > 0 && (newestHeldDistance() >= windowPackets || oldestHeldWait(nowNanos) >= windowNanos)) {
            skipMissing();
        }
    }

    /** Declares the next missing packet lost, then plays whatever held packets follow it. */
    private void skipMissing() {
        int slot = slot(nextSeq);
        if (held[slot] == null) {
            concealed++;
            output.silence();
            advance(false);
        }
        playHeldRun();
    }

    private void playHeldRun() {
        while (heldCount > 0) {
            int slot = slot(nextSeq);
            byte[] payload = held[slot];
            if (payload == null) {
                return;
            }
            held[slot] = null;
            heldCount--;
            play(payload == SILENCE_MARK ? null : payload);
        }
    }

    private void play(byte[] payload) {
        if (payload == null) {
            output.silence();
        } else {
            output.frame(payload);
        }
        advance(true);
    }

    private void advance(boolean played) {
        playedBits = (playedBits << 1) | (played ? 1 : 0);
        nextSeq++;
    }

    private void resyncTo(long extended) {
        while (heldCount > 0) {
            skipMissing();
        }
        nextSeq = extended;
        playedBits = 0;
    }

    private long newestHeldDistance() {
        long newest = 0;
        for (long d = 1; d < CAPACITY; d++) {
            if (held[slot(nextSeq + d)] != null) {
                newest = d;
            }
        }
        return newest;
    }

    private long oldestHeldWait(long nowNanos) {
        long oldest = Long.MIN_VALUE;
        for (int i = 0; i < CAPACITY; i++) {
            if (held[i] != null) {
                oldest = Math.max(oldest, nowNanos - heldSince[i]);
            }
        }
        return oldest;
    }

    private static int slot(long seq) {
        return Math.floorMod(seq, CAPACITY);
    }
}
