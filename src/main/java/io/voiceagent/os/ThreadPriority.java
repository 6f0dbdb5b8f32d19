package io.voiceagent.os;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sets how Linux schedules this JVM's platform threads: a nice value, or the real-time policy
 * {@code SCHED_FIFO}. The kernel keeps both per thread and the JDK has no call for either (a Java
 * thread's priority is ignored on Linux unless the whole JVM runs with
 * {@code -XX:ThreadPriorityPolicy=1}, which as root also raises the JDK's own threads), so a thread is
 * found by its id in {@code /proc} and {@code renice} or {@code chrt} (util-linux, in every Linux base
 * system) is run on that id, then the kernel's value read back.
 *
 * <p>Lowering a nice value needs no privilege; raising one needs root or CAP_SYS_NICE. A real-time
 * priority needs root, CAP_SYS_NICE or a real-time limit at least that high ({@code ulimit -r},
 * systemd's {@code LimitRTPRIO=}); without them nothing changes and the caller is told why.
 */
public final class ThreadPriority {
    /** Linux keeps the first 15 characters of a thread's name. */
    private static final int COMM_LENGTH = 15;
    /** {@code SCHED_FIFO} in field 41 of a thread's stat. */
    private static final int SCHED_FIFO = 1;

    private ThreadPriority() {
    }

    /**
     * Sets the calling platform thread's nice value; returns why it could not (no {@code /proc}, no
     * {@code renice}, not permitted), or the empty string when it did.
     */
    public static String setCurrentNice(int nice) {
        return onCurrent("renice -n " + nice, threadId -> renice(threadId, nice));
    }

    /**
     * Puts the calling platform thread under {@code SCHED_FIFO} at {@code priority} (1–99): it then runs
     * before every thread of the normal policy whenever it is ready, on any machine load. Returns why it
     * could not, or the empty string when it did.
     */
    public static String setCurrentRealtime(int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("a SCHED_FIFO priority is 1..99, not " + priority);
        }
        return onCurrent("chrt -f " + priority, threadId -> {
            boolean done = run("chrt", "-f", "-p", Integer.toString(priority), threadId);
            return done && statField(threadId, 41) == SCHED_FIFO && statField(threadId, 40) == priority;
        });
    }

    /** The name Linux keeps for a thread named {@code javaName} (its {@code comm}, as {@code /proc} shows it). */
    public static String linuxName(String javaName) {
        return javaName.length() > COMM_LENGTH ? javaName.substring(0, COMM_LENGTH) : javaName;
    }

    /** Sets the nice value of every thread of this process named {@code name}; returns how many were set. */
    public static int setNice(String name, int nice) throws IOException, InterruptedException {
        String comm = linuxName(name);
        int set = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(comm)
                            && renice(task.getFileName().toString(), nice)) {
                        set++;
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended since the folder was listed
                }
            }
        }
        return set;
    }

    /** The nice value of this process's thread {@code threadId}. */
    static int niceOf(String threadId) throws IOException {
        return statField(threadId, 19);
    }

    private interface Change {
        boolean apply(String threadId) throws IOException, InterruptedException;
    }

    private static String onCurrent(String what, Change change) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread has no scheduling of its own");
        }
        try {
            // "<pid>/task/<tid>": the link names the calling thread, not the process
            String threadId = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            return change.apply(threadId) ? "" : what + " was refused";
        } catch (IOException | UnsupportedOperationException e) {
            return "no /proc/thread-self or " + what.substring(0, what.indexOf(' ')) + " here (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Field {@code number} (1-based, as in proc(5)) of a thread's stat, counted after the name, which may hold spaces. */
    private static int statField(String threadId, int number) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task", threadId, "stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[number - 3]);
    }

    private static boolean renice(String threadId, int nice) throws IOException, InterruptedException {
        return run("renice", "-n", Integer.toString(nice), "-p", threadId) && niceOf(threadId) == nice;
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}
