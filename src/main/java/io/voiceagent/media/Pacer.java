package io.voiceagent.media;

import io.voiceagent.metrics.Counter;
import io.voiceagent.metrics.Histogram;
import io.voiceagent.os.ThreadPriority;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One clock that paces every call's outgoing packets. The 20 ms period is cut into {@value #SLOTS}
 * slots of 1 ms; each call is placed in the least busy slot and ticks once per period on absolute
 * deadlines ({@code start + k * 1 ms}) from the monotonic clock, so there is no drift, and calls are
 * spread over the period instead of all sending at once. If the clock thread falls more than a
 * period behind (a long GC pause), it skips the missed ticks rather than sending them in a burst;
 * a call learns of it from the cycle numbers it is given.
 *
 * <p>How late each call's turn began behind its deadline goes into a histogram of the service's
 * metrics ({@code voiceagent_rtp_send_lateness_seconds}), skipped ticks into a counter: the pacing
 * as the service keeps it, apart from what the network adds on the way to the phone.
 *
 * <p>The clock thread asks for the real-time policy ({@code SCHED_FIFO}) where it may, as FreeSWITCH's
 * and Asterisk's timing threads do: it then runs whenever a tick is due, before every thread of the
 * normal policy, so a machine short of CPU (recordings being written, a burst of agent audio, a
 * neighbour process) makes those threads wait, not the packets. It needs a fraction of a core and
 * sleeps between ticks; the kernel keeps 5 % of each second for normal threads
 * ({@code sched_rt_runtime_us}) should it ever not. A real-time thread must not wait for a lock held
 * by a normal one (the holder may be preempted for many milliseconds); which locks the ticks still
 * take is in the package's description. The clock itself reads its slots without a lock.
 *
 * <p>Tests drive it with a fake clock through {@link #runDue()}; production calls {@link #start()}.
 */
public final class Pacer implements AutoCloseable {

    public static final int SLOTS = 20;
    public static final long SLOT_NANOS = 1_000_000;
    public static final long PERIOD_NANOS = SLOTS * SLOT_NANOS;
    /** The clock thread's name. */
    public static final String THREAD_NAME = "rtp-pacer";

    private static final System.Logger LOG = System.getLogger(Pacer.class.getName());

    /** A call's sender: runs on the clock thread, so it must not block. */
    public interface Paced {
        /**
         * It is this call's turn in period {@code cycle}; its deadline was {@code deadlineNanos}.
         * Cycles count up by one per period, except after skipped ticks.
         */
        void onTick(long cycle, long deadlineNanos);
    }

    /** A call's place on the clock. */
    public final class Registration implements AutoCloseable {
        private final Paced paced;
        private final int slot;

        private Registration(Paced paced, int slot) {
            this.paced = paced;
            this.slot = slot;
        }

        public int slot() {
            return slot;
        }

        /** Takes the call off the clock; its tick may still be running once, but not start again. */
        @Override
        public void close() {
            remove(this);
        }
    }

    private final LongSupplier nanoClock;
    private final long startNanos;
    /** Serialises the changes to {@link #slots}; the clock thread never takes it. */
    private final ReentrantLock membership = new ReentrantLock();
    /**
     * Each slot's calls, an array replaced whole under {@link #membership} and read by the clock
     * without it: a call starting or ending on a thread of the normal policy, preempted with the lock
     * held, must not hold up the clock.
     */
    private final AtomicReferenceArray<Registration[]> slots = new AtomicReferenceArray<>(SLOTS);
    private long tick;
    private final Histogram lateness;
    private final Counter.Child skippedTicks;
    private final int realtimePriority;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param lateness     where each call's turn is timed behind its deadline
     * @param skippedTicks counts the ticks skipped after the clock fell more than a period behind
     * @param realtimePriority the clock thread's {@code SCHED_FIFO} priority (1–99) where the system
     *                         permits it, 0 for the normal policy
     */
    public Pacer(LongSupplier nanoClock, int realtimePriority, Histogram lateness, Counter skippedTicks) {
        if (realtimePriority < 0 || realtimePriority > 99) {
            throw new IllegalArgumentException("a SCHED_FIFO priority is 1..99 (0: none), not " + realtimePriority);
        }
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.realtimePriority = realtimePriority;
        this.lateness = Objects.requireNonNull(lateness, "lateness");
        this.skippedTicks = skippedTicks.labels();
        this.startNanos = nanoClock.getAsLong();
        for (int s = 0; s < SLOTS; s++) {
            slots.set(s, new Registration[0]);
        }
    }

    /** Puts a call on the clock in the least busy slot. Its first tick comes within one period. */
    public Registration register(Paced paced) {
        Objects.requireNonNull(paced, "paced");
        membership.lock();
        try {
            int best = 0;
            for (int s = 1; s < SLOTS; s++) {
                if (slots.get(s).length < slots.get(best).length) {
                    best = s;
                }
            }
            Registration registration = new Registration(paced, best);
            Registration[] grown = Arrays.copyOf(slots.get(best), slots.get(best).length + 1);
            grown[grown.length - 1] = registration;
            slots.set(best, grown);
            if (thread != null) {
                // The clock may be sleeping past this slot's next tick; let it recompute its wake-up.
                LockSupport.unpark(thread);
            }
            return registration;
        } finally {
            membership.unlock();
        }
    }

    private void remove(Registration registration) {
        membership.lock();
        try {
            Registration[] members = slots.get(registration.slot);
            int at = Arrays.asList(members).indexOf(registration);
            if (at >= 0) {
                Registration[] shrunk = new Registration[members.length - 1];
                System.arraycopy(members, 0, shrunk, 0, at);
                System.arraycopy(members, at + 1, shrunk, at, members.length - at - 1);
                slots.set(registration.slot, shrunk);
            }
        } finally {
            membership.unlock();
        }
    }

    /**
     * Runs every tick whose deadline has passed and returns the next deadline. Only one thread may
     * call it: the clock thread, or a test.
     */
    public long runDue() {
        long now = nanoClock.getAsLong();
        long deadline = deadlineOf(tick);
        while (deadline <= now) {
            if (now - deadline > PERIOD_NANOS) {
                // More than a period behind (a stall, or ticks that ran long): sending every missed
                // tick now would be a burst, so resume on the current tick.
                long current = (now - startNanos) / SLOT_NANOS;
                skippedTicks.add(current - tick);
                tick = current;
                deadline = deadlineOf(tick);
            }
            Registration[] members = slots.get((int) (tick % SLOTS));
            long cycle = tick / SLOTS;
            for (Registration member : members) {
                lateness.observeNanos(nanoClock.getAsLong() - deadline);
                try {
                    member.paced.onTick(cycle, deadline);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "a paced call failed on its tick", e);
                }
            }
            tick++;
            deadline = deadlineOf(tick);
            now = nanoClock.getAsLong();
        }
        return deadline;
    }

    private long deadlineOf(long tickIndex) {
        return startNanos + tickIndex * SLOT_NANOS;
    }

    /** Starts the clock thread: a platform thread, because parking virtual threads adds scheduling delay. */
    public void start() {
        membership.lock();
        try {
            if (thread != null) {
                return;
            }
            running = true;
            thread = Thread.ofPlatform().name(THREAD_NAME).daemon().priority(Thread.MAX_PRIORITY).start(this::loop);
        } finally {
            membership.unlock();
        }
    }

    private void loop() {
        if (realtimePriority > 0) {
            String refused = ThreadPriority.setCurrentRealtime(realtimePriority);
            if (refused.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "the pacing clock runs under SCHED_FIFO at priority " + realtimePriority);
            } else {
                LOG.log(System.Logger.Level.INFO, "the pacing clock runs under the normal policy (" + refused
                        + "; allow it with root, CAP_SYS_NICE or LimitRTPRIO=" + realtimePriority + ")");
            }
        }
        while (running) {
            long next = nextBusyDeadline(runDue());
            long wait = next - nanoClock.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /**
     * The deadline of the next tick whose slot has calls, so that with few calls (or none) the
     * clock does not wake every millisecond for nothing; at most half a period ahead, well clear of
     * the point where a late wake-up would count as a stall.
     */
    private long nextBusyDeadline(long nextDeadline) {
        for (int ahead = 0; ahead < SLOTS / 2; ahead++) {
            if (slots.get((int) ((tick + ahead) % SLOTS)).length > 0) {
                return nextDeadline + ahead * SLOT_NANOS;
            }
        }
        return nextDeadline + (SLOTS / 2) * SLOT_NANOS;
    }

    @Override
    public void close() {
        Thread stopping;
        membership.lock();
        try {
            running = false;
            stopping = thread;
            thread = null;
        } finally {
            membership.unlock();
        }
        if (stopping != null) {
            LockSupport.unpark(stopping);
            try {
                stopping.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int registered() {
        int total = 0;
        for (int s = 0; s < SLOTS; s++) {
            total += slots.get(s).length;
        }
        return total;
    }
}
