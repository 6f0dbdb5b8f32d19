package io.voiceagent.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stretches of time whose samples the benchmark leaves out, in {@code System.nanoTime()} (the
 * monotonic clock every process on the machine shares): the warm-up before the measured calls,
 * and each moment the benchmark itself stops the service to look at it ({@code jcmd GC.run}, a
 * thread dump, a class histogram: full collections of 30–60 ms that no running service suffers).
 * A sample is left out when what it times overlaps such a stretch, or the {@link #SETTLE} after
 * it, while the work queued during the stop drains.
 */
final class LeftOutTime {
    static final long SETTLE = TimeUnit.MILLISECONDS.toNanos(200);

    private final ReentrantLock lock = new ReentrantLock();
    private final List<long[]> stretches = new ArrayList<>();
    private long openSince = Long.MIN_VALUE;
    private boolean open;

    /** Everything up to {@code now} is warm-up. */
    void warmUpEndedAt(long now) {
        add(Long.MIN_VALUE, now);
    }

    /** Whether {@code at} is in the warm-up (false while the warm-up has not ended). */
    boolean inWarmUp(long at) {
        lock.lock();
        try {
            for (long[] stretch : stretches) {
                if (stretch[0] == Long.MIN_VALUE && at <= stretch[1]) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The benchmark starts stopping the service to look at it. */
    void probeStartedAt(long now) {
        lock.lock();
        try {
            open = true;
            openSince = now;
        } finally {
            lock.unlock();
        }
    }

    /** The look is over; samples still settle for {@link #SETTLE}. */
    void probeEndedAt(long now) {
        long since;
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            since = openSince;
        } finally {
            lock.unlock();
        }
        add(since, now + SETTLE);
    }

    /** Whether a sample timing {@code start}..{@code end} touches a left-out stretch (or an open probe). */
    boolean covers(long start, long end) {
        lock.lock();
        try {
            if (open && end >= openSince) {
                return true;
            }
            for (long[] stretch : stretches) {
                if (start <= stretch[1] && end >= stretch[0]) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** How long the probes stopped the service, settling included (the warm-up not counted). */
    long probeNanos() {
        lock.lock();
        try {
            long total = 0;
            for (long[] stretch : stretches) {
                if (stretch[0] != Long.MIN_VALUE) {
                    total += stretch[1] - stretch[0];
                }
            }
            return total;
        } finally {
            lock.unlock();
        }
    }

    private void add(long from, long to) {
        lock.lock();
        try {
            stretches.add(new long[] {from, to});
        } finally {
            lock.unlock();
        }
    }
}
