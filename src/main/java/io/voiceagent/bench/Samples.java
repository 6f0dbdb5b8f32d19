package io.voiceagent.bench;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A growable set of samples (nanoseconds, or a depth in nanoseconds of audio) that many threads may
 * add to, each with the stretch of time it timed so that stretches the benchmark leaves out
 * ({@link LeftOutTime}) can be taken away at the end. Cheap to add: one uncontended lock and three
 * array stores; the statistics are computed once, at the end.
 */
final class Samples {

    private final ReentrantLock lock = new ReentrantLock();
    private long[] values = new long[1024];
    private long[] starts = new long[1024];
    private long[] ends = new long[1024];
    private int size;

    /** A duration: from {@code start} to {@code end}. */
    void addSpan(long start, long end) {
        add(end - start, start, end);
    }

    /** A value seen at one moment. */
    void addAt(long at, long value) {
        add(value, at, at);
    }

    private void add(long value, long start, long end) {
        lock.lock();
        try {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            values[size] = value;
            starts[size] = start;
            ends[size] = end;
            size++;
        } finally {
            lock.unlock();
        }
    }

    /** The samples kept and how many were left out. */
    record Kept(Distribution distribution, long leftOut) {
    }

    Kept distribution(LeftOutTime leftOut) {
        lock.lock();
        try {
            long[] kept = new long[size];
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (!leftOut.covers(starts[i], ends[i])) {
                    kept[count++] = values[i];
                }
            }
            return new Kept(Distribution.of(Arrays.copyOf(kept, count)), size - count);
        } finally {
            lock.unlock();
        }
    }
}
