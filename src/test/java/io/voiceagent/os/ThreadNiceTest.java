package io.voiceagent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A thread's nice value, set by its name and read back from the kernel: that thread's alone. */
class ThreadNiceTest {

    /** The calling thread's nice value as the kernel has it: field 19 of its stat, counted after the name. */
    private static int ownNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19 - 3]);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A platform thread that, once released, reads its own nice value from the kernel. */
    private static Thread niceReader(String name, CountDownLatch release, AtomicInteger nice) {
        return Thread.ofPlatform().name(name).start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            nice.set(ownNice());
        });
    }

    @Test
    void setsTheNamedThreadOnlyEvenPastFifteenCharacters() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger named = new AtomicInteger(Integer.MIN_VALUE);
        AtomicInteger other = new AtomicInteger(Integer.MIN_VALUE);
        Thread namedThread = niceReader("nice-target-thread-long", release, named);
        Thread otherThread = niceReader("nice-other-thread", release, other);

        // Lowering a priority needs no privilege, so this holds as any user.
        int set = ThreadNice.set("nice-target-thread-long", 7);
        release.countDown();
        namedThread.join();
        otherThread.join();

        assertThat(set).isEqualTo(1);
        assertThat(named.get()).isEqualTo(7);
        assertThat(other.get()).as("a thread of another name").isZero();
        assertThat(ThreadNice.set("no-thread-has-this-name", 7)).isZero();
    }

    @Test
    void setCurrentLowersTheCallingThreadAndRefusesAVirtualOne() throws Exception {
        AtomicInteger nice = new AtomicInteger(Integer.MIN_VALUE);
        StringBuilder failure = new StringBuilder();
        Thread.ofPlatform().start(() -> {
            failure.append(ThreadNice.setCurrent(6));
            nice.set(ownNice());
        }).join();
        assertThat(failure).isEmpty();
        assertThat(nice.get()).isEqualTo(6);

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadNice.setCurrent(6);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
    }
}
