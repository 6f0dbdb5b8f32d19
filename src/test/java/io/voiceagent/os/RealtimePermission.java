package io.voiceagent.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this process may put a thread of its own under SCHED_FIFO at a priority, by the kernel's
 * rule (sched(7)): with CAP_SYS_NICE in its effective set, or a real-time limit at least that high.
 * Being root is not enough in a container without the capability, nor needed with the limit.
 */
public final class RealtimePermission {
    private static final int CAP_SYS_NICE = 23;

    private RealtimePermission() {
    }

    public static boolean permits(int priority) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        long effective = status.stream().filter(line -> line.startsWith("CapEff:"))
                .mapToLong(line -> Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16))
                .findFirst().orElse(0);
        if ((effective & (1L << CAP_SYS_NICE)) != 0) {
            return true;
        }
        // "Max realtime priority     <soft>    <hard>": the soft limit applies
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(line -> line.startsWith("Max realtime priority"))
                .map(line -> line.substring("Max realtime priority".length()).strip().split("\\s+")[0])
                .anyMatch(soft -> soft.equals("unlimited") || Integer.parseInt(soft) >= priority);
    }
}
