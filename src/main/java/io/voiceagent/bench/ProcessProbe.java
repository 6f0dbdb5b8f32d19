package io.voiceagent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads another JVM process's resource use from Linux {@code /proc} and from {@code jcmd}: CPU time,
 * threads, open file descriptors and the heap in use after a full collection.
 */
final class ProcessProbe {

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture we run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\b[^\\n]*?\\bused\\s+(\\d+)K");
    private static final Pattern GENERATION_USED = Pattern.compile("(?m)^(?:DefNew|Tenured)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");

    private final long pid;
    private final Path jcmd;

    ProcessProbe(long pid, Path jcmd) {
        this.pid = pid;
        this.jcmd = Objects.requireNonNull(jcmd, "jcmd");
    }

    /** User plus system CPU time the process has used so far. */
    Duration cpuTime() throws IOException {
        return ticksToTime(cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII)));
    }

    /**
     * User plus system CPU ticks each of the process's threads has used so far, added up by thread
     * name as Linux keeps it (the first 15 characters of the Java name).
     */
    Map<String, Long> cpuTicksByThreadName() throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    ticks.merge(Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).strip(),
                            cpuTicks(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII)), Long::sum);
                } catch (NoSuchFileException ended) {
                    // the thread ended while the list was read
                }
            }
        }
        return ticks;
    }

    /** Ticks of {@link #cpuTicksByThreadName} as time. */
    static Duration ticksToTime(long ticks) {
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** utime + stime of a /proc stat line, process or thread. */
    static long cpuTicks(String stat) {
        // Fields after the command name, which is in parentheses and may itself contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14, 15
    }

    int threads() throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
        Matcher matcher = THREADS.matcher(status);
        if (!matcher.find()) {
            throw new IOException("no Threads line in /proc/" + pid + "/status");
        }
        return Integer.parseInt(matcher.group(1));
    }

    int openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    /** Runs a full GC in the process, then reads the heap in use (bytes); empty when jcmd failed. */
    OptionalLong heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return heapUsed(jcmd("GC.heap_info"));
    }

    /**
     * G1 prints one "garbage-first heap ... used NK" line; the serial collector, which the JVM picks
     * on one CPU (as under --pin), prints one line per generation ("DefNew", "Tenured"), to be added.
     */
    static OptionalLong heapUsed(String heapInfo) {
        Matcher matcher = HEAP_USED.matcher(heapInfo);
        if (matcher.find()) {
            return OptionalLong.of(Long.parseLong(matcher.group(1)) * 1024);
        }
        Matcher generations = GENERATION_USED.matcher(heapInfo);
        long usedKiB = 0;
        boolean found = false;
        while (generations.find()) {
            usedKiB += Long.parseLong(generations.group(1));
            found = true;
        }
        return found ? OptionalLong.of(usedKiB * 1024) : OptionalLong.empty();
    }

    /** Runs one jcmd command against the process and returns its output. */
    String jcmd(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd " + command + " did not finish in 30 s");
        }
        return output;
    }
}
