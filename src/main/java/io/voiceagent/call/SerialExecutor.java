package io.voiceagent.call;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs tasks one at a time, in the order given, on a thread of {@code threads}: how a media thread
 * hands a call work that needs the call's lock (a DTMF digit) without ever waiting for that lock.
 */
final class SerialExecutor implements Executor {
    private final Executor threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            tasks.addLast(task);
            if (running) {
                return;
            }
            running = true;
        } finally {
            lock.unlock();
        }
        threads.execute(this::runAll);
    }

    private void runAll() {
        for (;;) {
            Runnable next;
            lock.lock();
            try {
                next = tasks.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            next.run();
        }
    }
}
