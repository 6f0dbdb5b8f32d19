package io.voiceagent.bench;

import io.voiceagent.os.ThreadPriority;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A process's CPU over a window, split by what its threads do: the carriers of its virtual threads,
 * each named platform thread (the RTP pacer and receiver, the recording writer, ...), the garbage
 * collector and the JIT compilers; the largest first, the smallest added up as {@code other}. Read
 * beside the process's total, it says where a change of CPU went (in an A/B run, the recording
 * writer's own share, apart from everything that moves from run to run).
 *
 * @param percentOfOneCore by group, largest first
 */
record ThreadCpu(Map<String, Double> percentOfOneCore) {
    /** Groups shown by name; the rest are {@code other}. */
    static final int SHOWN = 6;

    ThreadCpu {
        percentOfOneCore = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(percentOfOneCore, "percentOfOneCore")));
    }

    /** The CPU of each group between two readings of {@link ProcessProbe#cpuTicksByThreadName} taken {@code windowNanos} apart. */
    static ThreadCpu between(Map<String, Long> before, Map<String, Long> after, long windowNanos) {
        Map<String, Long> ticks = new HashMap<>();
        after.keySet().forEach(name -> ticks.merge(group(name), ticksBetween(name, before, after), Long::sum));
        List<Map.Entry<String, Long>> largestFirst = new ArrayList<>(ticks.entrySet());
        largestFirst.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> percent = new LinkedHashMap<>();
        long other = 0;
        for (int i = 0; i < largestFirst.size(); i++) {
            if (i < SHOWN) {
                percent.put(largestFirst.get(i).getKey(), percent(largestFirst.get(i).getValue(), windowNanos));
            } else {
                other += largestFirst.get(i).getValue();
            }
        }
        if (largestFirst.size() > SHOWN) {
            percent.put("other", percent(other, windowNanos));
        }
        return new ThreadCpu(percent);
    }

    /**
     * The CPU of the threads named {@code javaName} (by the name Linux keeps) between two readings of
     * {@link ProcessProbe#cpuTicksByThreadName} taken {@code windowNanos} apart; 0 when there are none.
     */
    static double percentOf(String javaName, Map<String, Long> before, Map<String, Long> after, long windowNanos) {
        return percent(ticksBetween(ThreadPriority.linuxName(javaName), before, after), windowNanos);
    }

    /**
     * The ticks the threads named {@code linuxName} used between the readings: a thread that ended
     * within the window is left out; one named alike that started is counted whole.
     */
    private static long ticksBetween(String linuxName, Map<String, Long> before, Map<String, Long> after) {
        return Math.max(0, after.getOrDefault(linuxName, 0L) - before.getOrDefault(linuxName, 0L));
    }

    /** The group a thread (by its Linux name) is counted in. */
    static String group(String threadName) {
        if (threadName.startsWith("ForkJoinPool")) {
            return "virtual-thread carriers";
        }
        if (threadName.contains("CompilerThre")) {
            return "JIT";
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
            return "GC";
        }
        return threadName.replaceFirst("[#-]?\\d+$", "");
    }

    private static double percent(long ticks, long windowNanos) {
        return ProcessProbe.ticksToTime(ticks).toNanos() * 100.0 / windowNanos;
    }

    /** "virtual-thread carriers 43.7 · rtp-pacer 21.8 · ...". */
    String line() {
        return percentOfOneCore.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" · "));
    }
}
