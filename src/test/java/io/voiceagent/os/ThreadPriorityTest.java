package io.voiceagent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A thread's nice value or real-time policy, set and read back from the kernel: that thread's alone. */
class ThreadPriorityTest {

    /**
     * A platform thread that, once released, reads its own nice value from the kernel. Returns once
     * the thread runs: the JVM gives the kernel a thread's name from inside the new thread, so until
     * then {@code /proc} may still show the name it inherited.
     */
    private static Thread niceReader(String name, CountDownLatch release, AtomicInteger nice) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Thread thread = Thread.ofPlatform().name(name).start(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            nice.set(ThreadStat.ofCurrentThread(ThreadStat.NICE));
        });
        running.await();
        return thread;
    }

    @Test
    void setsTheNamedThreadOnlyEvenPastFifteenCharacters() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger named = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger other = new AtomicInteger(Integer.MIN_VALUE);
        Thread namedThread = niceReader("nice-target-thread-long", release, named);
        Thread otherThread = niceReader("nice-other-thread", release, other);

        // Lowering a priority needs no privilege, so this holds as any user.
        int set = ThreadPriority.setNice("nice-target-thread-long", 7);
        release.countDown();
        namedThread.join();
        otherThread.join();

        assertThat(set).isEqualTo(1);
        assertThat(named.get()).isEqualTo(7);
        assertThat(other.get()).as("a thread of another name").isZero();
        assertThat(ThreadPriority.setNice("no-thread-has-this-name", 7)).isZero();
    }

    @Test
    void setCurrentLowersTheCallingThreadAndRefusesAVirtualOne() throws Exception {
        AtomicInteger nice = new AtomicInteger(Integer.MIN_VALUE);
        StringBuilder failure = new StringBuilder();
        Thread.ofPlatform().start(() -> {
            failure.append(ThreadPriority.setCurrentNice(6));
            nice.set(ThreadStat.ofCurrentThread(ThreadStat.NICE));
        }).join();
        assertThat(failure).isEmpty();
        assertThat(nice.get()).isEqualTo(6);

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadPriority.setCurrentNice(6);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void setCurrentRealtimePutsTheCallingThreadUnderFifoWhenPermittedAndSaysWhyNot() throws Exception {
        boolean permitted = RealtimePermission.permits(3);
        StringBuilder refusal = new StringBuilder();
        AtomicInteger policy = new AtomicInteger(-1);
        AtomicInteger priority = new AtomicInteger(-1);
        Thread.ofPlatform().start(() -> {
            refusal.append(ThreadPriority.setCurrentRealtime(3));
            policy.set(ThreadStat.ofCurrentThread(ThreadStat.POLICY));
            priority.set(ThreadStat.ofCurrentThread(ThreadStat.RT_PRIORITY));
        }).join();
        if (permitted) {
            assertThat(refusal).isEmpty();
            assertThat(policy.get()).as("SCHED_FIFO").isEqualTo(1);
            assertThat(priority.get()).isEqualTo(3);
        } else {
            // No CAP_SYS_NICE and no real-time limit: refused, and the thread left as it was.
            assertThat(refusal.toString()).contains("chrt -f 3");
            assertThat(policy.get()).as("SCHED_OTHER").isZero();
        }
        AtomicInteger otherPolicy = new AtomicInteger(-1);
        Thread.ofPlatform().start(() -> otherPolicy.set(ThreadStat.ofCurrentThread(ThreadStat.POLICY))).join();
        assertThat(otherPolicy.get()).as("another thread").isZero();
    }

    @Test
    void setCurrentRealtimeRefusesAPriorityOutsideFifosRange() {
        assertThatThrownBy(() -> ThreadPriority.setCurrentRealtime(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..99");
        assertThatThrownBy(() -> ThreadPriority.setCurrentRealtime(100))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
