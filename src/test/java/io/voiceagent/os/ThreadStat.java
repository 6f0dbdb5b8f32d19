package io.voiceagent.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A thread's scheduling as the kernel reports it, read by the tests themselves rather than through
 * the code they check: field {@code number} (1-based, as in proc(5)) of a {@code stat} file, counted
 * after the thread's name, which may hold spaces.
 */
public final class ThreadStat {
    /** proc(5)'s field numbers. */
    public static final int NICE = 19;
    public static final int RT_PRIORITY = 40;
    public static final int POLICY = 41;

    private ThreadStat() {
    }

    /** Field {@code number} of {@code statFile}, such as {@code /proc/thread-self/stat}. */
    public static int field(Path statFile, int number) {
        try {
            String stat = Files.readString(statFile);
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[number - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Field {@code number} of the calling thread's stat. */
    public static int ofCurrentThread(int number) {
        return field(Path.of("/proc/thread-self/stat"), number);
    }
}
