package io.voiceagent.bench;

import io.voiceagent.demo.carrier.DemoCarrier;
import io.voiceagent.media.G711;
import io.voiceagent.media.Pacer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The arithmetic behind the benchmark's table: percentiles, frame numbering, the pacing grid. */
class BenchFiguresTest {

    private static final long MS = 1_000_000;

    @Test
    void percentilesAreNearestRankOfMeasuredValues() {
        long[] samples = new long[200];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (samples.length - i) * MS; // 200 ms .. 1 ms, unsorted
        }
        Distribution d = Distribution.of(samples);
        assertThat(d.count()).isEqualTo(200);
        assertThat(d.p50()).isEqualTo(100 * MS);
        assertThat(d.p99()).isEqualTo(198 * MS);
        assertThat(d.max()).isEqualTo(200 * MS);
        assertThat(Distribution.of(new long[] {7})).isEqualTo(new Distribution(1, 7, 7, 7));
        assertThat(Distribution.of(new long[0])).isEqualTo(Distribution.EMPTY);
    }

    @Test
    void aNumberedFrameIsReadBackAfterCrossingToALaw() {
        for (int index : new int[] {0, 1, 49, 777, FrameMarker.MAX_INDEX - 1}) {
            byte[] ulaw = FrameMarker.ulawRecording(index, 1);
            byte[] alaw = new byte[ulaw.length];
            for (int i = 0; i < ulaw.length; i++) {
                alaw[i] = G711.ulawToAlaw(ulaw[i]);
            }
            byte[] back = new byte[alaw.length];
            for (int i = 0; i < alaw.length; i++) {
                back[i] = G711.alawToUlaw(alaw[i]);
            }
            assertThat(FrameMarker.read(ulaw, 0, false)).isEqualTo(OptionalInt.of(index));
            assertThat(FrameMarker.read(alaw, 0, true)).isEqualTo(OptionalInt.of(index));
            assertThat(FrameMarker.read(back, 0, false)).isEqualTo(OptionalInt.of(index));
        }
    }

    @Test
    void silenceAndTruncatedFramesCarryNoNumber() {
        byte[] silence = new byte[FrameMarker.FRAME_BYTES];
        java.util.Arrays.fill(silence, G711.ULAW_SILENCE);
        assertThat(FrameMarker.read(silence, 0, false)).isEmpty();
        byte[] frame = FrameMarker.ulawRecording(5, 1);
        assertThat(FrameMarker.read(java.util.Arrays.copyOf(frame, 4), 0, false)).isEmpty();
        frame[7] = frame[3]; // the last digit 5 becomes 0: the check digit no longer matches
        assertThat(FrameMarker.read(frame, 0, false)).isEmpty();
    }

    @Test
    void pacingIsLatenessBehindTheGridOfEachRun() {
        // seq 10..13 on a 20 ms grid, the third 3 ms late; then a timestamp jump (a pause the sender
        // announced) starts a new grid; then a lost packet starts another.
        long[] arrivals = {100 * MS, 120 * MS, 143 * MS, 160 * MS, 900 * MS, 921 * MS, 980 * MS};
        long[] sequences = {10, 11, 12, 13, 14, 15, 17};
        long[] timestamps = {1600, 1760, 1920, 2080, 9000, 9160, 9480};
        assertThat(NetworkRecorder.gridDeviations(arrivals, sequences, timestamps))
                .containsExactly(0, 0, 3 * MS, 0, 0, MS, 0);
    }

    @Test
    void heapInUseIsReadFromJcmdHeapInfo() {
        String g1 = "20881:\ngarbage-first heap   total reserved 6172672K, committed 393216K, used 29130K [0x0000000687400000, 0x0000000800000000)\n";
        assertThat(ProcessProbe.heapUsed(g1)).hasValue(29130L * 1024);
        assertThat(ProcessProbe.heapUsed("Could not attach")).isEmpty();
        String serial = """
                22850:
                DefNew     total 116160K, used 31005K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  30% used [0x0000000687400000, 0x0000000689247710, 0x000000068d8e0000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                """;
        assertThat(ProcessProbe.heapUsed(serial)).hasValue((31005L + 1166L) * 1024);
    }

    @Test
    void eachThreadsCpuIsReadUnderItsNameCutToWhatLinuxKeeps() throws Exception {
        ProcessProbe probe = new ProcessProbe(ProcessHandle.current().pid(),
                Path.of(System.getProperty("java.home"), "bin", "jcmd"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().name("bench-probe-spinner-thread").start(() -> {
            long sink = 0;
            while (threads.getCurrentThreadCpuTime() < 200_000_000L) { // 200 ms of its own CPU
                sink += Long.numberOfTrailingZeros(sink + 1);
            }
            spun.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        spun.await();
        try {
            Map<String, Long> byName = probe.cpuTicksByThreadName();
            assertThat(byName).as("Linux keeps 15 characters of a name").doesNotContainKey("bench-probe-spinner-thread");
            assertThat(ProcessProbe.ticksToTime(byName.get("bench-probe-spi")).toMillis()).isBetween(150L, 1_000L);
            assertThat(ProcessProbe.ticksToTime(byName.values().stream().mapToLong(Long::longValue).sum()))
                    .isLessThanOrEqualTo(probe.cpuTime());
        } finally {
            release.countDown();
            spinner.join();
        }
    }

    @Test
    void threadCpuGroupsCarriersCollectorsAndCompilersAndShowsTheLargestFirst() {
        Map<String, Long> before = Map.of("ForkJoinPool-1-", 100L, "rtp-pacer", 50L, "GC Thread#0", 10L,
                "recording-write", 5L, "C2 CompilerThre", 0L);
        Map<String, Long> after = new HashMap<>(Map.of("ForkJoinPool-1-", 400L, "rtp-pacer", 250L,
                "GC Thread#0", 30L, "GC Thread#1", 25L, "recording-write", 25L, "C2 CompilerThre", 40L,
                "rtp-receiver", 180L, "call-timers", 2L, "HttpClient-1-Se", 3L));
        after.put("VM Thread", 1L);
        ThreadCpu cpu = ThreadCpu.between(before, after, 10_000_000_000L); // 10 s: 10 ticks = 1 % of a core

        assertThat(cpu.percentOfOneCore()).containsExactly(
                Map.entry("virtual-thread carriers", 30.0), Map.entry("rtp-pacer", 20.0),
                Map.entry("rtp-receiver", 18.0), Map.entry("GC", 4.5), Map.entry("JIT", 4.0),
                Map.entry("recording-write", 2.0), Map.entry("other", 0.6));
        assertThat(cpu.line()).startsWith("virtual-thread carriers 30.0 · rtp-pacer 20.0 · ");
        assertThat(ThreadCpu.group("G1 Refine#0")).isEqualTo("GC");
        assertThat(ThreadCpu.group("HttpClient-1-Se")).isEqualTo("HttpClient-1-Se");
    }

    @Test
    void oneThreadsCpuIsFoundByTheNameLinuxKeepsForIt() {
        // Linux keeps 15 characters of "demo-carrier-rtp-receiver"; /proc and so the readings use those
        Map<String, Long> before = Map.of("demo-carrier-rt", 100L, "rtp-pacer", 40L);
        Map<String, Long> after = Map.of("demo-carrier-rt", 300L, "rtp-pacer", 260L);

        assertThat(ThreadCpu.percentOf(DemoCarrier.RTP_RECEIVER_THREAD, before, after, 10_000_000_000L)).isEqualTo(20.0);
        assertThat(ThreadCpu.percentOf(Pacer.THREAD_NAME, before, after, 10_000_000_000L)).isEqualTo(22.0);
        assertThat(ThreadCpu.percentOf("recording-writer", before, after, 10_000_000_000L)).isZero();
        assertThat(new Report.PacingCost(22.0, 20.0).ratio()).isCloseTo(1.1, within(1e-9));
        assertThat(new Report.PacingCost(22.0, 0).ratio()).isZero();
    }

    /** A report of 100 calls placed, 99 answered, with {@code liveCalls} up during the full-load window. */
    private static Report sampleReport(int liveCalls) {
        return sampleReport(liveCalls, List.of(), Map.of("remote_hangup", 20));
    }

    private static Report sampleReport(int liveCalls, List<String> stalls, Map<String, Integer> warmUpEndings) {
        Distribution d = new Distribution(10, 1_500_000, 2_250_000, 9_000_000);
        Distribution barge = new Distribution(10, 21_000_000, 38_000_000, 41_000_000);
        Map<String, Double> byThread = new LinkedHashMap<>(); // in the order shown, largest first
        byThread.put("JIT", 6.0);
        byThread.put("recording-write", 3.5);
        return new Report(new Report.Setting(100, 20, 25, 1000, false, "2026-11-25T20:00:00Z", "test machine",
                "answer", true, "g711", 20, -10),
                new Report.Calls(100, 99, 98, 2), new Report.Recordings(97, 1, 1, 240), d, d, d, d, d, d, d, 1000, 5, d, barge,
                BucketBounds.fromScrape("""
                        voiceagent_rtp_send_lateness_seconds_bucket{le="0.00001"} 90
                        voiceagent_rtp_send_lateness_seconds_bucket{le="0.002"} 99
                        voiceagent_rtp_send_lateness_seconds_bucket{le="0.02"} 100
                        voiceagent_rtp_send_lateness_seconds_bucket{le="+Inf"} 100
                        """, "voiceagent_rtp_send_lateness_seconds"), 37, 0, 0, 40.0, 50.0, 80.0, new ThreadCpu(byThread),
                new Report.PacingCost(22.0, 20.0), liveCalls,
                10L << 20, 20L << 20, new Report.Resources(30, 40), new Report.Resources(300, 900),
                new Report.Resources(30, 40), new Report.Agent(barge, 3, 2, d,
                BucketBounds.fromScrape("""
                        voiceagent_agent_pong_delay_seconds_bucket{le="0.0001"} 3
                        voiceagent_agent_pong_delay_seconds_bucket{le="0.00025"} 9
                        voiceagent_agent_pong_delay_seconds_bucket{le="0.001"} 10
                        voiceagent_agent_pong_delay_seconds_bucket{le="+Inf"} 10
                        """, "voiceagent_agent_pong_delay_seconds"), d, 4.0), new Report.LeftOut(1234, 350), stalls,
                Map.of("remote_hangup", 98, "busy", 2), warmUpEndings);
    }

    @Test
    void tableShowsEachFigureInMilliseconds() {
        Report report = sampleReport(100);
        String table = report.table();
        assertThat(table).contains("after 20 warm-up calls").contains("350 ms / 1234")
                .containsPattern("of which, by thread, at full load \\(% of one core\\) +JIT 6\\.0 · recording-write 3\\.5");
        assertThat(table).contains("AI_CONNECT=answer, RECORDING=on (g711), agent speech at 4x real time,"
                        + " phones' arrivals timed at nice -10")
                .contains("21.000 / 38.000 / 41.000 ms  (n=10)");
        assertThat(report.toJson()).containsEntry("ai_connect", "answer").containsEntry("recording", true)
                .containsEntry("recording_format", "g711")
                .containsEntry("recordings", Map.of("complete", 97, "incomplete", 1, "missing", 1, "dropped_ms", 240L));
        assertThat(table).containsPattern("recordings complete / incomplete / missing, audio dropped +97 / 1 / 1, 240 ms");
        assertThat(table).containsPattern("stalls beyond a period \\(1 ms ticks skipped[^)]*\\) +37 ticks");
        assertThat(report.toJson()).containsEntry("pacer_skipped_ticks", 37L);
        assertThat(table).containsPattern("phones that spoke over the agent \\([^)]*\\) +3\n");
        assertThat(report.toJson()).containsEntry("phone_barge_ins", 3L);
        assertThat(table).containsPattern("agent replies inside a phone's phrase \\([^)]*\\) +2\n");
        assertThat(report.toJson()).containsEntry("replies_inside_phrase", 2L);
        assertThat(table).containsPattern("phones' longest pause in sending their phrase .* +1\\.500 / 2\\.250 / 9\\.000 ms")
                .containsPattern("longest silence the agent heard inside a phrase .* +21\\.000 / 38\\.000 / 41\\.000 ms");
        assertThat(table).contains("100 / 99 / 98 / 2").contains("1.500 / 2.250 / 9.000 ms  (n=10)")
                .contains("0.500 % of 1000").contains("0.500 %").contains("102.4 KiB").contains("30 / 300 / 30");
        assertThat(report.toJson()).containsEntry("heap_per_call_bytes", 104857L)
                .containsEntry("cpu_full_load_without_jit_percent", 44.0);
        assertThat(table).containsPattern("JIT compilation left out \\(% of one core\\) +44\\.0 %");
        assertThat(table).containsPattern("pacing clock / the phones' thread receiving its packets[^\n]* +22\\.0 / 20\\.0 % = 1\\.10\n");
        assertThat(report.toJson()).containsEntry("pacing_clock_cpu_full_load_percent", 22.0)
                .containsEntry("phones_receiver_cpu_full_load_percent", 20.0)
                .containsEntry("pacing_clock_to_phones_receiver_cpu", 1.1);
        // Nearest rank 5 of 10 is in the 0.25 ms bucket, rank 10 (p99 and max) in the 1 ms one.
        assertThat(table).contains("<= 0.250 / <= 1.000 / <= 1.000 ms  (n=10)");
        assertThat(table).containsPattern("of which at the service's pacing clock .* <= 0.010 / <= 2.000 / <= 20.000 ms  \\(n=100\\)");
    }

    @Test
    void aFullLoadWindowWithFewerCallsUpThanAnsweredIsFlaggedNotCompared() {
        assertThat(sampleReport(99).table()).containsPattern("calls live during the full-load window / answered +99 / 99\n");
        assertThat(sampleReport(99).toJson()).containsEntry("full_load_reached", true);
        assertThat(sampleReport(98).toJson()).as("one in 99 down: still full load").containsEntry("full_load_reached", true);
        assertThat(sampleReport(97).toJson()).containsEntry("full_load_reached", false);

        Report shortRun = sampleReport(54);
        assertThat(shortRun.table()).containsPattern("calls live during the full-load window / answered +54 / 99  SHORT: ");
        assertThat(shortRun.toJson()).containsEntry("full_load_reached", false).containsEntry("live_calls_at_full_load", 54);
    }

    @Test
    void aRunWhoseWaitGaveUpIsFlaggedStalledNotCompared() {
        assertThat(sampleReport(99).table()).containsPattern("waits that gave up \\([^)]*\\) +none\n");
        assertThat(sampleReport(99).toJson()).containsEntry("stalls", List.of());

        String stall = "every call ended not after 130 s, network status {answered=1000, ended=654}";
        Report stalled = sampleReport(99, List.of(stall), Map.of("remote_hangup", 20));
        assertThat(stalled.table()).containsPattern("waits that gave up \\([^)]*\\) +STALLED: every call ended not after"
                + " 130 s, network status \\{answered=1000, ended=654}  compare no figure of this run\n");
        assertThat(stalled.toJson()).containsEntry("stalls", List.of(stall));
    }

    @Test
    void callsTheNetworkEndedOtherwiseThanTheScriptAreCountedByCauseAndFlagged() {
        Report report = sampleReport(99, List.of(), Map.of("agent_end_call", 15, "remote_hangup", 5));
        assertThat(report.table())
                .containsPattern("calls ended by \\([^)]*\\) +busy 2 · remote_hangup 98  NETWORK FAILED some calls")
                .containsPattern("  warm-up calls ended by +agent_end_call 15 · remote_hangup 5\n");
        assertThat(report.toJson()).containsEntry("endings", Map.of("busy", 2, "remote_hangup", 98))
                .containsEntry("warm_up_endings", Map.of("agent_end_call", 15, "remote_hangup", 5));

        Report failedWarmUp = sampleReport(99, List.of(), Map.of("remote_hangup", 14, "media_timeout", 6));
        assertThat(failedWarmUp.table())
                .containsPattern("  warm-up calls ended by +media_timeout 6 · remote_hangup 14  NETWORK FAILED some calls");
    }

    @Test
    void aHistogramFromMetricsIsSummarisedByTheBoundsOfItsBuckets() {
        String text = """
                # TYPE x_seconds histogram
                x_seconds_bucket{le="0.001"} 98
                x_seconds_bucket{le="0.005"} 99
                x_seconds_bucket{le="+Inf"} 100
                x_seconds_sum 7.5
                x_seconds_count 100
                """;
        BucketBounds bounds = BucketBounds.fromScrape(text, "x_seconds");
        assertThat(bounds).isEqualTo(new BucketBounds(100, 0.001, 0.005, Double.POSITIVE_INFINITY, 2.0, 1.0));
        assertThat(bounds.asMillis()).isEqualTo("<= 1.000 / <= 5.000 / <= +Inf ms  (n=100)");
        assertThat(bounds.sharesOver()).isEqualTo("2.000 % / 1.000 %");
        assertThat(bounds.toJson()).containsEntry("percent_over_1_ms", 2.0).containsEntry("percent_over_5_ms", 1.0);
        assertThat(BucketBounds.fromScrape(text, "y_seconds")).isEqualTo(BucketBounds.EMPTY);
    }

    @Test
    void onlyWhatTheHistogramObservedAfterTheWarmUpCounts() {
        String warmUp = """
                x_seconds_bucket{le="0.001"} 10
                x_seconds_bucket{le="0.005"} 10
                x_seconds_bucket{le="+Inf"} 15
                """;
        String end = """
                x_seconds_bucket{le="0.001"} 108
                x_seconds_bucket{le="0.005"} 110
                x_seconds_bucket{le="+Inf"} 115
                """;
        // The five slow warm-up observations are gone: of 100, 98 within 1 ms, all within 5 ms.
        assertThat(BucketBounds.fromScrapes(warmUp, end, "x_seconds"))
                .isEqualTo(new BucketBounds(100, 0.001, 0.005, 0.005, 2.0, 0.0));
    }

    @Test
    void whatTheHistogramObservedWhileTheBenchStoppedTheServiceIsLeftOut() {
        String start = """
                x_seconds_bucket{le="0.001"} 10
                x_seconds_bucket{le="0.1"} 10
                x_seconds_bucket{le="+Inf"} 10
                """;
        String beforeProbe = """
                x_seconds_bucket{le="0.001"} 60
                x_seconds_bucket{le="0.1"} 60
                x_seconds_bucket{le="+Inf"} 60
                """;
        String afterProbe = """
                x_seconds_bucket{le="0.001"} 60
                x_seconds_bucket{le="0.1"} 70
                x_seconds_bucket{le="+Inf"} 80
                """;
        String end = """
                x_seconds_bucket{le="0.001"} 109
                x_seconds_bucket{le="0.1"} 120
                x_seconds_bucket{le="+Inf"} 130
                """;
        // 50 before the probe and 50 after it, one of those within 0.1 s; the 20 late ones of the probe are gone.
        // No bucket ends at 5 ms, so the share beyond it is not known.
        assertThat(BucketBounds.overIntervals("x_seconds", start, beforeProbe, afterProbe, end))
                .isEqualTo(new BucketBounds(100, 0.001, 0.001, 0.1, 1.0, Double.NaN));
        assertThat(BucketBounds.fromScrapes(start, end, "x_seconds").maxAtMost()).isInfinite();
        assertThatThrownBy(() -> BucketBounds.overIntervals("x_seconds", start))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCounterGrowsOnlyByWhatItCountedOutsideTheBenchsProbes() {
        String start = "x_total 5\ny_total 1000\n";
        String beforeProbe = "x_total 12\n";
        String afterProbe = "x_total 40\n"; // the probe's pause skipped 28
        String end = "x_total{kind=\"a\"} 41\nx_total{kind=\"b\"} 2\nx_totals 999\n";
        assertThat(CounterScrapes.overIntervals("x_total", start, beforeProbe, afterProbe, end)).isEqualTo(7 + 3);
        assertThat(CounterScrapes.value("", "x_total")).as("not yet counted: absent").isZero();
        assertThatThrownBy(() -> CounterScrapes.overIntervals("x_total", start))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesTouchingTheWarmUpOrAProbeOfTheServiceAreLeftOut() {
        LeftOutTime leftOut = new LeftOutTime();
        Samples samples = new Samples();
        leftOut.warmUpEndedAt(1_000 * MS);
        samples.addSpan(990 * MS, 1_010 * MS); // began during the warm-up
        samples.addSpan(1_100 * MS, 1_105 * MS); // kept
        leftOut.probeStartedAt(2_000 * MS);
        samples.addSpan(1_990 * MS, 2_040 * MS); // still running when the probe began
        leftOut.probeEndedAt(2_100 * MS);
        samples.addSpan(2_250 * MS, 2_290 * MS); // within the settling after the probe
        samples.addAt(2_400 * MS, 7 * MS); // a depth seen after it: kept

        Samples.Kept kept = samples.distribution(leftOut);

        assertThat(kept.leftOut()).isEqualTo(3);
        assertThat(kept.distribution()).isEqualTo(new Distribution(2, 5 * MS, 7 * MS, 7 * MS));
        assertThat(leftOut.probeNanos()).isEqualTo(100 * MS + LeftOutTime.SETTLE);
        assertThat(leftOut.inWarmUp(1_000 * MS)).isTrue();
        assertThat(leftOut.inWarmUp(1_001 * MS)).isFalse();
        assertThat(leftOut.inWarmUp(2_050 * MS)).as("a probe is not the warm-up").isFalse();
        assertThat(new LeftOutTime().inWarmUp(5 * MS)).as("before the warm-up has ended, nothing is").isFalse();
    }
}
