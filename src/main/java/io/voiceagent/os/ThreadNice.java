package io.voiceagent.os;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sets the Linux nice value of this JVM's platform threads. The kernel keeps a nice value per thread
 * and the JDK has no call for it (a Java thread's priority is ignored on Linux unless the whole JVM
 * runs with {@code -XX:ThreadPriorityPolicy=1}, which as root also raises the JDK's own threads), so a
 * thread is found by its id in {@code /proc} and {@code renice} (util-linux, in every Linux base
 * system) is run on that id. Lowering a priority (a higher value) needs no privilege; raising one needs
 * root or CAP_SYS_NICE, and without them nothing changes.
 */
public final class ThreadNice {
    /** Linux keeps the first 15 characters of a thread's name. */
    private static final int COMM_LENGTH = 15;

    private ThreadNice() {
    }

    /**
     * Sets the calling platform thread's nice value; returns why it could not (no {@code /proc}, no
     * {@code renice}, not permitted), or the empty string when it did.
     */
    public static String setCurrent(int nice) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a virtual thread has no nice value of its own");
        }
        try {
            // "<pid>/task/<tid>": the link names the calling thread, not the process
            String threadId = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            return renice(threadId, nice) ? "" : "renice -n " + nice + " was refused";
        } catch (IOException | UnsupportedOperationException e) {
            return "no /proc/thread-self or renice here (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Sets the nice value of every thread of this process named {@code name}; returns how many were set. */
    public static int set(String name, int nice) throws IOException, InterruptedException {
        String comm = name.length() > COMM_LENGTH ? name.substring(0, COMM_LENGTH) : name;
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

    /** The nice value of this process's thread {@code threadId}, from field 19 of its stat (after the name, which may hold spaces). */
    static int of(String threadId) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task", threadId, "stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19 - 3]);
    }

    private static boolean renice(String threadId, int nice) throws IOException, InterruptedException {
        Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", threadId)
                .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        if (!renice.waitFor(10, TimeUnit.SECONDS)) {
            renice.destroyForcibly();
            return false;
        }
        return renice.exitValue() == 0 && of(threadId) == nice;
    }
}
