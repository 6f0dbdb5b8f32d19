package io.voiceagent.bench;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sets the Linux nice value of this JVM's threads of one name. The kernel keeps a nice value per
 * thread, the JDK has no call for it, so each thread is found by its name in {@code /proc/self/task}
 * and {@code renice} (util-linux, in every Linux base system) is run on its id. Raising a priority
 * (a negative value) needs root or CAP_SYS_NICE; without them nothing changes.
 */
final class ThreadNice {
    /** Linux keeps the first 15 characters of a thread's name. */
    private static final int COMM_LENGTH = 15;

    private ThreadNice() {
    }

    /** Sets the nice value of every thread of this process named {@code name}; returns how many were set. */
    static int set(String name, int nice) throws IOException, InterruptedException {
        String comm = name.length() > COMM_LENGTH ? name.substring(0, COMM_LENGTH) : name;
        int set = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().equals(comm) && renice(task.getFileName().toString(), nice)) {
                    set++;
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
