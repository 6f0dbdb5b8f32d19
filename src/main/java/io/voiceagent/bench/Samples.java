package io.voiceagent.bench;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A growable set of long samples (nanoseconds) that many threads may add to. Cheap to add: one
 * uncontended lock and an array store; the statistics are computed once, at the end.
 */
final class Samples {

    private final ReentrantLock lock = new ReentrantLock();
    private long[] values = new long[1024];
    private int size;

    void add(long value) {
        lock.lock();
        try {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        } finally {
            lock.unlock();
        }
    }

    Distribution distribution() {
        lock.lock();
        try {
            return Distribution.of(Arrays.copyOf(values, size));
        } finally {
            lock.unlock();
        }
    }
}
