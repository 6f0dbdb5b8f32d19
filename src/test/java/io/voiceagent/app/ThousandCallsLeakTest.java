package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand answered calls, each torn down through the API, leave no sockets, ports or platform
 * threads behind: every call's SIP dialog, RTP port, WebSocket and threads are released exactly once.
 */
@Tag("slow")
class ThousandCallsLeakTest {
    private static final int CALLS = 1_000;
    private static final int CONCURRENT = 40;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    @Test
    void aThousandCallsLeaveNoSocketsPortsOrThreadsBehind() throws Exception {
        int sipBase = ThreadLocalRandom.current().nextInt(40_000, 45_000);
        int rtpBase = ThreadLocalRandom.current().nextInt(46_000, 50_000) & ~1;
        int rtpMax = rtpBase + 400;
        Config config = ConfigLoader.fromMap(Map.of(
                "HTTP_PORT", "0", "DATA_DIR", dataDir.toString(),
                "SIP_PORT_MIN", Integer.toString(sipBase), "SIP_PORT_MAX", Integer.toString(sipBase + 50),
                "RTP_PORT_MIN", Integer.toString(rtpBase), "RTP_PORT_MAX", Integer.toString(rtpMax),
                "MAX_CONCURRENT_CALLS", Integer.toString(CONCURRENT), "LOG_LEVEL", "WARN"));
        try (Module module = Module.start(config)) {
            // Warm up at full concurrency: classes loaded, pools of the service at their working size.
            runCalls(module, 2 * CONCURRENT);
            int api = module.httpPort();
            long fdsBefore = openFileDescriptorsBesidesApiConnections(api);
            Map<String, Long> threadsBefore = platformThreadsByKind();

            List<String> failures = runCalls(module, CALLS);

            assertThat(failures).as("calls that did not answer and complete").isEmpty();
            awaitQuiet(() -> openFileDescriptorsBesidesApiConnections(api) <= fdsBefore + 3);
            assertThat(openFileDescriptorsBesidesApiConnections(api)).as("open file descriptors")
                    .isLessThanOrEqualTo(fdsBefore + 3);
            Map<String, Long> threadsAfter = platformThreadsByKind();
            threadsAfter.forEach((kind, count) -> assertThat(count).as("platform threads named " + kind)
                    .isLessThanOrEqualTo(threadsBefore.getOrDefault(kind, 0L)));
            Map<String, Object> health = JSON.std.mapFrom(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + module.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(health.get("active_calls")).isEqualTo(0);
        }
        assertThat(unbindableRtpPorts(rtpBase, rtpMax)).as("RTP ports still bound after shutdown").isEmpty();
    }

    /** Places {@code count} calls, at most CONCURRENT at once; each is hung up once answered. */
    private List<String> runCalls(Module module, int count) throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(CONCURRENT);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                // Ends in 5: the demo carrier gives numbers ending 0001-0004 other outcomes.
                String number = "7999" + String.format("%06d", i) + "5";
                futures.add(pool.submit(() -> {
                    try {
                        if (!callAndHangUp(module, number)) {
                            failures.add(number);
                        }
                    } catch (Exception e) {
                        failures.add(number + ": " + e);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return List.copyOf(failures);
    }

    private boolean callAndHangUp(Module module, String number) throws Exception {
        String base = "http://127.0.0.1:" + module.httpPort();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "/api/calls/start"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+" + number + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 201) {
            return false;
        }
        String id = (String) JSON.std.mapFrom(started.body()).get("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String status = (String) JSON.std.mapFrom(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/calls/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .get("status");
            if (status.equals("answered")) {
                HttpResponse<String> hangup = http.send(HttpRequest.newBuilder(URI.create(base + "/api/calls/hangup"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"call_id\":\"" + id + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return hangup.statusCode() == 200;
            }
            if (!status.equals("dialing") && !status.equals("ringing")) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Platform threads grouped by name without digits. The JDK's fork-join pools are left out, the
     * virtual-thread scheduler's carriers ({@code ForkJoinPool-1-worker-N}) and the common pool's
     * workers ({@code ForkJoinPool.commonPool-worker-N}, which run CompletableFuture's delayed tasks):
     * the JDK grows them with the load of the moment and shrinks them after a minute idle, within its
     * own bound, so their count after a busy run says nothing about a leak.
     */
    private static Map<String, Long> platformThreadsByKind() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("ForkJoinPool"))
                .collect(java.util.stream.Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "#"),
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    /**
     * Open file descriptors, less the TCP connections to or from the API's port. Those are this test's
     * HTTP client's keep-alive pool and the server's side of it: how many connections the pool opens
     * depends on how fast each answer is read (under load it opens more), and idle ones stay open for
     * minutes, by design of both JDK classes. Every other socket, file and pipe counts.
     */
    private static long openFileDescriptorsBesidesApiConnections(int apiPort) {
        Set<String> apiSockets = tcpSocketInodesOnPort(apiPort);
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> !apiSockets.contains(linkTarget(fd))).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String linkTarget(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
            return "";
        }
    }

    /** {@code socket:[inode]} of every TCP socket whose local or remote port is {@code port}. */
    private static Set<String> tcpSocketInodesOnPort(int port) {
        String hexPort = String.format(":%04X", port);
        Set<String> inodes = new java.util.HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                    String[] f = line.trim().split("\\s+");
                    if (f[1].endsWith(hexPort) || f[2].endsWith(hexPort)) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException noSuchTable) {
                // No IPv6 on this machine: nothing to leave out from that table.
            }
        }
        return inodes;
    }

    private static void awaitQuiet(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static List<Integer> unbindableRtpPorts(int min, int max) {
        List<Integer> busy = new ArrayList<>();
        for (int port = min; port <= max; port += 2) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("0.0.0.0", port))) {
                socket.getLocalPort();
            } catch (IOException e) {
                busy.add(port);
            }
        }
        return busy;
    }
}
