package io.voiceagent.demo.carrier;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One thread that paces every phone: the 20 ms packet interval is cut into 1 ms slots and each
 * phone sends in its own slot, so hundreds of phones cost one thread and their packets are spread
 * over the interval instead of bursting together.
 */
final class PacingClock implements AutoCloseable {

    /** Something that sends one packet per 20 ms. */
    interface Paced {
        void tick(long nowNanos);
    }

    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int SLOTS = 20;
    private static final long SLOT_NANOS = INTERVAL_NANOS / SLOTS;
    private static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final System.Logger LOG = System.getLogger(PacingClock.class.getName());

    private final List<List<Paced>> slots;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final LongSupplier nanoTime;
    private final Thread thread;
    private volatile boolean running = true;

    PacingClock(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.slots = java.util.stream.Stream.<List<Paced>>generate(CopyOnWriteArrayList::new).limit(SLOTS).toList();
        // A platform thread: its wake-ups must not wait behind virtual threads doing socket work.
        this.thread = Thread.ofPlatform().daemon().name("demo-carrier-pacer").priority(Thread.MAX_PRIORITY)
                .start(this::run);
    }

    /** Starts ticking {@code paced} every 20 ms, in the least recently assigned slot. */
    void add(Paced paced) {
        slots.get(Math.floorMod(nextSlot.getAndIncrement(), SLOTS)).add(paced);
    }

    void remove(Paced paced) {
        for (List<Paced> slot : slots) {
            if (slot.remove(paced)) {
                return;
            }
        }
    }

    private void run() {
        long next = nanoTime.getAsLong();
        int slot = 0;
        while (running) {
            long wait = next - nanoTime.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (-wait > MAX_CATCH_UP_NANOS) {
                // Stalled for long (a suspended process): skip the lost time. Shorter delays are caught
                // up so that every phone still sends 50 packets a second.
                next -= wait;
            }
            long now = nanoTime.getAsLong();
            for (Paced paced : slots.get(slot)) {
                try {
                    paced.tick(now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a simulated phone failed to tick", e);
                    remove(paced);
                }
            }
            slot = (slot + 1) % SLOTS;
            next += SLOT_NANOS;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
