package io.voiceagent.sip;

import java.time.Duration;
import java.util.PriorityQueue;

/** Virtual time for SIP timers: tasks run only when the test advances the clock. */
final class FakeScheduler implements SipScheduler {

    private record Task(long dueMillis, long order, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            (a, b) -> a.dueMillis != b.dueMillis ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.order, b.order));
    private long nowMillis;
    private long counter;

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        boolean[] cancelled = new boolean[1];
        queue.add(new Task(nowMillis + delay.toMillis(), counter++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    long nowMillis() {
        return nowMillis;
    }

    /** Runs every task due within {@code duration}, in time order, moving the clock as it goes. */
    void advance(Duration duration) {
        long target = nowMillis + duration.toMillis();
        while (!queue.isEmpty() && queue.peek().dueMillis <= target) {
            Task next = queue.poll();
            nowMillis = next.dueMillis;
            if (!next.cancelled[0]) {
                next.action.run();
            }
        }
        nowMillis = target;
    }
}
