package io.voiceagent.media;

import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.os.RealtimePermission;
import io.voiceagent.os.ThreadStat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared clock driven by a fake monotonic clock. */
class PacerTest {

    private static final long MS = 1_000_000;
    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Pacer pacer = new Pacer(now::get, 0, metrics.rtpSendLateness, metrics.rtpSkippedTicks);

    private record Tick(long cycle, long deadline, long ranAt) {
    }

    private List<Tick> record(Pacer.Registration[] holder) {
        List<Tick> ticks = new ArrayList<>();
        holder[0] = pacer.register((cycle, deadline) -> ticks.add(new Tick(cycle, deadline, now.get())));
        return ticks;
    }

    private void advanceTo(long nanos) {
        while (now.get() < nanos) {
            now.set(Math.min(nanos, pacer.runDue()));
        }
        pacer.runDue();
    }

    @Test
    void eachCallTicksEvery20MsOnExactDeadlines() {
        Pacer.Registration[] r = new Pacer.Registration[1];
        List<Tick> ticks = record(r);
        advanceTo(now.get() + 1_000 * MS);
        assertThat(ticks).hasSizeBetween(50, 51);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i).deadline() - ticks.get(i - 1).deadline()).isEqualTo(20 * MS);
            assertThat(ticks.get(i).cycle()).isEqualTo(ticks.get(i - 1).cycle() + 1);
            assertThat(ticks.get(i).ranAt()).isEqualTo(ticks.get(i).deadline());
        }
    }

    @Test
    void aLateWakeUpDoesNotShiftLaterDeadlines() {
        Pacer.Registration[] r = new Pacer.Registration[1];
        List<Tick> ticks = record(r);
        advanceTo(now.get() + 100 * MS);
        long nextDeadline = ticks.get(ticks.size() - 1).deadline() + 20 * MS;
        advanceTo(nextDeadline - MS);
        now.set(nextDeadline + 7 * MS); // the thread overslept
        pacer.runDue();
        Tick late = ticks.get(ticks.size() - 1);
        assertThat(late.deadline()).isEqualTo(nextDeadline);
        assertThat(late.ranAt() - late.deadline()).isEqualTo(7 * MS);
        advanceTo(now.get() + 100 * MS);
        for (int i = ticks.indexOf(late) + 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i).deadline() - ticks.get(i - 1).deadline()).isEqualTo(20 * MS);
            assertThat(ticks.get(i).ranAt()).isEqualTo(ticks.get(i).deadline());
        }
        Histogram.Snapshot lateness = metrics.rtpSendLateness.snapshot();
        int atTwoMs = Arrays.binarySearch(lateness.bounds(), 0.002);
        int atFiveMs = Arrays.binarySearch(lateness.bounds(), 0.005);
        int atTenMs = Arrays.binarySearch(lateness.bounds(), 0.01);
        assertThat(lateness.count()).isEqualTo(ticks.size());
        assertThat(lateness.cumulative()[0]).as("on time, within the first 10 us").isEqualTo(lateness.count() - 1);
        assertThat(lateness.count() - lateness.cumulative()[atTwoMs]).as("late: more than 2 ms").isEqualTo(1);
        assertThat(lateness.cumulative()[atTenMs] - lateness.cumulative()[atFiveMs]).as("the 7 ms one").isEqualTo(1);
        assertThat(metrics.scrape()).contains("voiceagent_rtp_send_lateness_seconds_bucket{le=\"0.01\"} " + ticks.size());
    }

    @Test
    void callsAreSpreadOverTheSlots() {
        int[] perSlot = new int[Pacer.SLOTS];
        for (int i = 0; i < 100; i++) {
            perSlot[pacer.register((c, d) -> { }).slot()]++;
        }
        assertThat(perSlot).containsOnly(5);
        assertThat(pacer.registered()).isEqualTo(100);
    }

    @Test
    void aLongStallSkipsMissedTicksInsteadOfBursting() {
        Pacer.Registration[] r = new Pacer.Registration[1];
        List<Tick> ticks = record(r);
        advanceTo(now.get() + 40 * MS);
        int before = ticks.size();
        long lastCycle = ticks.get(before - 1).cycle();
        now.addAndGet(500 * MS);
        pacer.runDue();
        assertThat(ticks.size() - before).isLessThanOrEqualTo(1);
        advanceTo(now.get() + 40 * MS);
        assertThat(ticks.get(ticks.size() - 1).cycle() - lastCycle).isGreaterThanOrEqualTo(25);
        assertThat(metrics.rtpSkippedTicks.value()).isGreaterThan(400);
    }

    @Test
    void aRemovedCallTicksNoMore() {
        Pacer.Registration[] r = new Pacer.Registration[1];
        List<Tick> ticks = record(r);
        advanceTo(now.get() + 100 * MS);
        r[0].close();
        int count = ticks.size();
        advanceTo(now.get() + 100 * MS);
        assertThat(ticks).hasSize(count);
        assertThat(pacer.registered()).isZero();
    }

    /**
     * The running clock asks for SCHED_FIFO at its priority: granted where permitted (as root in CI),
     * refused otherwise with the clock running all the same. Read by the tick itself from the kernel.
     */
    @Test
    void theClockThreadRunsUnderSchedFifoWherePermitted() throws Exception {
        boolean permitted = RealtimePermission.permits(4);
        CompletableFuture<String> policyAndPriority = new CompletableFuture<>();
        try (Pacer clock = new Pacer(System::nanoTime, 4, metrics.rtpSendLateness, metrics.rtpSkippedTicks)) {
            clock.start();
            clock.register((cycle, deadline) -> {
                try {
                    // policy 1 is SCHED_FIFO
                    policyAndPriority.complete(ThreadStat.ofCurrentThread(ThreadStat.POLICY) + "/"
                            + ThreadStat.ofCurrentThread(ThreadStat.RT_PRIORITY));
                } catch (RuntimeException e) {
                    policyAndPriority.completeExceptionally(e);
                }
            });
            assertThat(policyAndPriority.get(10, TimeUnit.SECONDS)).isEqualTo(permitted ? "1/4" : "0/0");
        }
    }
}
