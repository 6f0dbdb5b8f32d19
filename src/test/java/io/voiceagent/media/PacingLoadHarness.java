package io.voiceagent.media;

import io.voiceagent.config.TestConfigs;
import io.voiceagent.metrics.ServiceMetrics;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the media engine under load on loopback; not a unit test. Run the two halves as two
 * processes so the engine's CPU is its own (both use the system-wide monotonic clock):
 * <pre>
 *   java -cp target/classes:target/test-classes io.voiceagent.media.PacingLoadHarness engine 500 20 &amp;
 *   java -cp target/classes:target/test-classes io.voiceagent.media.PacingLoadHarness phones 500 20
 * </pre>
 * The engine opens N sessions (RTP ports from {@value #ENGINE_BASE}, listed in {@link #PORTS_FILE})
 * playing agent audio; their SDP address is a dead end, so audio reaches the N phones (ephemeral
 * ports) only once the engine latches to them. Each phone sends 20 ms packets whose payload carries
 * its send time, so the engine measures uplink latency (packet sent to listener called), and the
 * phones measure the deviation of arrivals from each call's 20 ms grid.
 */
public final class PacingLoadHarness {

    private static final int ENGINE_BASE = 42_000;
    private static final java.nio.file.Path PORTS_FILE = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "voiceagent-media-harness-ports.txt");
    private static final long MS = 1_000_000;
    private static final int WARMUP_S = 5;

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int calls = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        if (args[0].equals("engine")) {
            engine(calls, seconds);
        } else {
            phones(calls, seconds);
        }
    }

    private static void engine(int calls, int seconds) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Histogram uplink = new Histogram();
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        ServiceMetrics metrics = new ServiceMetrics();
        MediaEngine engine = TestMediaEngines.onLoopback(TestConfigs.rtp(ENGINE_BASE, ENGINE_BASE + 2 * calls + 100,
                Duration.ofSeconds(30)), System::nanoTime, new SplittableRandom(), metrics);
        List<MediaSession> sessions = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            MediaSession session = engine.open("load-" + i, 20, new MediaListener() {
                @Override
                public void onUserAudio(byte[] chunk) {
                    long sent = ByteBuffer.wrap(chunk).getLong();
                    if (sent != -1L) { // not a chunk of silence filled in while the phone was quiet
                        uplink.add(System.nanoTime() - sent);
                    }
                }

                @Override
                public void onDtmf(char digit) {
                }

                @Override
                public void onFirstPacket() {
                }

                @Override
                public void onMediaTimeout() {
                }

                @Override
                public void onHoldTimeout() {
                }
            });
            session.connect(Remotes.sendrecv(new InetSocketAddress(loopback, 9), 0, 101));
            session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
            session.answered();
            sessions.add(session);
        }
        java.nio.file.Path partial = java.nio.file.Files.writeString(PORTS_FILE.resolveSibling(PORTS_FILE.getFileName()
                + ".partial"), String.join(" ", sessions.stream().map(s -> Integer.toString(s.localPort())).toList()));
        java.nio.file.Files.move(partial, PORTS_FILE, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        byte[] speech = new byte[8000];
        for (int i = 0; i < speech.length; i++) {
            speech[i] = (byte) (0x20 + i % 64);
        }
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sessions.forEach(s -> s.playAgentAudio(speech));
                LockSupport.parkNanos(1000 * MS);
            }
        });
        Thread.sleep(WARMUP_S * 1000L);
        long heapDuring = usedHeapAfterGc();
        uplink.reset();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        io.voiceagent.metrics.Histogram.Snapshot latenessBefore = metrics.rtpSendLateness.snapshot();
        long skippedBefore = metrics.rtpSkippedTicks.value();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        io.voiceagent.metrics.Histogram.Snapshot lateness = metrics.rtpSendLateness.snapshot();
        long skipped = metrics.rtpSkippedTicks.value() - skippedBefore;
        int threadsDuring = Thread.activeCount();
        feeder.interrupt();
        long lost = sessions.stream().mapToLong(s -> s.stats().lost()).sum();
        long in = sessions.stream().mapToLong(s -> s.stats().packetsIn()).sum();
        long out = sessions.stream().mapToLong(s -> s.stats().packetsOut()).sum();
        sessions.forEach(MediaSession::close);
        engine.close();
        double cpuPercent = 100.0 * cpu / wall;
        System.out.printf("engine: %d calls, %d s measured (after %d s warm-up)%n", calls, seconds, WARMUP_S);
        System.out.printf("  CPU %.1f%% of one core (%.3f%% per call)%n", cpuPercent, cpuPercent / calls);
        System.out.printf("  heap per live call %.1f KiB%n", (heapDuring - heapBefore) / 1024.0 / calls);
        long packets = lateness.count() - latenessBefore.count();
        System.out.printf("  send lateness behind the 20 ms grid at the clock thread (bucket bounds): p50 <= %s, p99 <= %s,"
                        + " late (> 2 ms) %.2f%%, skipped ticks %d (%d packets)%n", bound(latenessBefore, lateness, 0.50),
                bound(latenessBefore, lateness, 0.99),
                100.0 * (packets - between(latenessBefore, lateness, 0.002)) / Math.max(1, packets), skipped, packets);
        System.out.printf("  uplink (phone send -> listener): p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d chunks)%n",
                uplink.percentile(0.5) / 1e6, uplink.percentile(0.99) / 1e6, uplink.max() / 1e6, uplink.count());
        System.out.printf("  packets in %d, out %d, lost %d; threads %d before, %d during; ports still held %d%n",
                in, out, lost, threadsBefore, threadsDuring, engine.portsInUse());
    }

    /** Observations at or below {@code bound} between two snapshots. */
    private static long between(io.voiceagent.metrics.Histogram.Snapshot before,
                                io.voiceagent.metrics.Histogram.Snapshot after, double bound) {
        int i = Arrays.binarySearch(after.bounds(), bound);
        return after.cumulative()[i] - before.cumulative()[i];
    }

    /** The upper bound of the bucket holding the given rank between two snapshots, in µs ("+Inf" above the last). */
    private static String bound(io.voiceagent.metrics.Histogram.Snapshot before,
                                io.voiceagent.metrics.Histogram.Snapshot after, double fraction) {
        long count = after.count() - before.count();
        long rank = (long) Math.ceil(fraction * count);
        for (int i = 0; i < after.bounds().length; i++) {
            if (after.cumulative()[i] - before.cumulative()[i] >= rank) {
                return Math.round(after.bounds()[i] * 1e6) + " us";
            }
        }
        return "+Inf";
    }

    private static void phones(int calls, int seconds) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        while (!java.nio.file.Files.exists(PORTS_FILE)) {
            Thread.sleep(50);
        }
        int[] enginePorts = Arrays.stream(java.nio.file.Files.readString(PORTS_FILE).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        java.nio.file.Files.delete(PORTS_FILE);
        Selector selector = Selector.open();
        DatagramChannel[] channels = new DatagramChannel[calls];
        for (int i = 0; i < calls; i++) {
            channels[i] = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            channels[i].configureBlocking(false);
            channels[i].register(selector, SelectionKey.OP_READ, i);
        }
        int maxPackets = (WARMUP_S + seconds + 5) * 50;
        long[][] arrivals = new long[calls][maxPackets];
        long[] firstTimestamp = new long[calls];
        Arrays.fill(firstTimestamp, -1);
        long startNanos = System.nanoTime();
        long endNanos = startNanos + (WARMUP_S + seconds + 1) * 1000 * MS;
        InetSocketAddress[] targets = new InetSocketAddress[calls];
        for (int i = 0; i < calls; i++) {
            targets[i] = new InetSocketAddress(loopback, enginePorts[i]);
        }
        Thread sender = Thread.ofPlatform().start(() -> {
            ByteBuffer packet = ByteBuffer.allocate(172);
            long tick = 0;
            int[] seq = new int[calls];
            while (System.nanoTime() < endNanos) {
                long deadline = startNanos + tick * MS;
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                for (int i = (int) (tick % 20); i < calls; i += 20) {
                    packet.clear();
                    packet.put((byte) 0x80).put((byte) 0).putShort((short) seq[i]).putInt(seq[i] * 160).putInt(i);
                    packet.putLong(System.nanoTime());
                    while (packet.hasRemaining()) {
                        packet.put((byte) 0xFF);
                    }
                    packet.flip();
                    try {
                        channels[i].send(packet, targets[i]);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    seq[i]++;
                }
                tick++;
            }
        });
        ByteBuffer buffer = ByteBuffer.allocate(1500);
        long duplicates = 0;
        while (System.nanoTime() < endNanos) {
            selector.select(100);
            long now = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) {
                int i = (Integer) key.attachment();
                while (true) {
                    buffer.clear();
                    if (channels[i].receive(buffer) == null) {
                        break;
                    }
                    // The RTP timestamp names the packet's place on the 20 ms grid (skipped ticks included).
                    long timestamp = buffer.getInt(4) & 0xFFFFFFFFL;
                    if (firstTimestamp[i] < 0) {
                        firstTimestamp[i] = timestamp;
                    }
                    int k = (int) (((timestamp - firstTimestamp[i]) & 0xFFFFFFFFL) / 160);
                    if (k < maxPackets) {
                        if (arrivals[i][k] != 0) {
                            duplicates++;
                        }
                        arrivals[i][k] = now;
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        sender.join();
        Histogram deviation = new Histogram();
        long missing = 0;
        long measuredFrom = startNanos + WARMUP_S * 1000 * MS;
        for (int i = 0; i < calls; i++) {
            long anchor = Long.MAX_VALUE;
            int last = 0;
            for (int k = 0; k < maxPackets; k++) {
                if (arrivals[i][k] != 0) {
                    last = k;
                    if (arrivals[i][k] >= measuredFrom) {
                        anchor = Math.min(anchor, arrivals[i][k] - k * 20 * MS);
                    }
                }
            }
            for (int k = 0; k < last; k++) {
                if (arrivals[i][k] == 0) {
                    missing++; // lost, or a tick the engine skipped
                } else if (arrivals[i][k] >= measuredFrom) {
                    deviation.add(arrivals[i][k] - k * 20 * MS - anchor);
                }
            }
        }
        System.out.printf("phones: %d calls; arrival deviation from each call's 20 ms grid: p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms, over 2 ms %.3f%% (%d packets); not received (lost or skipped ticks) %d, duplicates %d%n", calls,
                deviation.percentile(0.5) / 1e6, deviation.percentile(0.99) / 1e6, deviation.max() / 1e6,
                100.0 * deviation.countAbove(2 * MS) / Math.max(1, deviation.count()), deviation.count(), missing,
                duplicates);
        for (DatagramChannel channel : channels) {
            channel.close();
        }
        selector.close();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Latencies in 10 µs buckets up to 1 s. */
    private static final class Histogram {
        private static final long BUCKET = 10_000;
        private final AtomicLongArray buckets = new AtomicLongArray(100_001);
        private volatile long max;

        void add(long nanos) {
            long clamped = Math.max(0, nanos);
            buckets.incrementAndGet((int) Math.min(buckets.length() - 1, clamped / BUCKET));
            if (clamped > max) {
                max = clamped;
            }
        }

        void reset() {
            for (int i = 0; i < buckets.length(); i++) {
                buckets.set(i, 0);
            }
            max = 0;
        }

        long count() {
            long total = 0;
            for (int i = 0; i < buckets.length(); i++) {
                total += buckets.get(i);
            }
            return total;
        }

        long countAbove(long nanos) {
            long total = 0;
            for (int i = (int) (nanos / BUCKET); i < buckets.length(); i++) {
                total += buckets.get(i);
            }
            return total;
        }

        long percentile(double fraction) {
            long rank = (long) Math.ceil(fraction * count());
            long seen = 0;
            for (int i = 0; i < buckets.length(); i++) {
                seen += buckets.get(i);
                if (seen >= rank && rank > 0) {
                    return (i + 1) * BUCKET;
                }
            }
            return 0;
        }

        long max() {
            return max;
        }
    }
}
