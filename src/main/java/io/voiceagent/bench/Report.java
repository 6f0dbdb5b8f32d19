package io.voiceagent.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one benchmark run measured, printed as one table or as JSON with the same figures.
 *
 * @param setup        API request → 200 OK sent by the carrier
 * @param greeting     200 OK → first greeting packet (non-silent) at the phone
 * @param uplink       phone sends a frame → the agent receives the chunk holding it
 * @param downlink     the agent sends an audio event → its first frame's RTP packet reaches the phone
 * @param downlinkReply the same for the agent's reply only: the greeting starts before the answer and waits for it
 * @param downlinkReplyStart the reply's first frame alone: no earlier agent audio queued ahead of it
 * @param pacing       lateness of RTP arrivals at the phones behind their 20 ms grid
 * @param latePackets  arrivals more than {@link NetworkRecorder#LATE_NANOS} behind their grid slot
 * @param phoneSendingGap each measured phone's longest pause between two frames of its phrase: the simulated
 *                     network's own stalls, which reach the agent as gaps in the caller's audio
 * @param agentSilenceInsidePhrase each measured call's longest run of silence the agent heard inside the phone's
 *                     phrase, which the phone sends without a break: what the service filled in
 * @param sendLateness the service's own pacing: each packet's turn behind its deadline on its clock, from its
 *                     metrics (the probes' pause left out); apart from the phones' figure, it leaves out
 *                     what the simulated network's own CPU adds
 * @param pacerSkippedTicks 1 ms ticks the service's pacing clock skipped after falling more than a period
 *                     behind (a stall such as a collector's pause): not in {@code sendLateness}, since
 *                     the calls of a skipped tick resume on the current one instead of being sent late
 * @param cpuRunPercent     service CPU over the whole run, % of one core
 * @param cpuFullLoadPercent service CPU while every call was up, % of one core
 * @param networkCpuFullLoadPercent the simulated network's CPU at full load: it shares the machine's cores
 * @param cpuFullLoadByThread the service's CPU at full load split by its threads
 * @param pacingCost   the pacing clock's CPU at full load beside that of the phones' thread receiving its packets
 * @param liveCalls    calls up while the full-load figures (CPU, heap) were taken
 * @param recordings   the measured calls' recordings as the service describes them (all zero when not recording)
 * @param agent        the agent side's timing: barge-in, pongs and the agent audio queued ahead of the phone
 * @param stalls       each wait of the benchmark that gave up (the network still had calls up or
 *                     conversations open), saying for what and what was open: such a run ran longer or
 *                     with more calls than it says, so none of its figures is compared
 * @param endings      the measured calls by hang-up cause: the script ends each by the phone's hang-up
 *                     or the agent's goodbye ({@link #SCRIPTED_ENDINGS}); any other is the simulated
 *                     network failing under load
 * @param warmUpEndings the same for the warm-up calls
 */
public record Report(Setting setting, Calls calls, Recordings recordings, Distribution setup, Distribution greeting, Distribution uplink,
                     Distribution downlink, Distribution downlinkReply, Distribution downlinkReplyStart,
                     Distribution pacing, long pacingPackets, long latePackets, Distribution phoneSendingGap,
                     Distribution agentSilenceInsidePhrase, BucketBounds sendLateness,
                     long pacerSkippedTicks,
                     long lost, long duplicated, double cpuRunPercent, double cpuFullLoadPercent,
                     double networkCpuFullLoadPercent, ThreadCpu cpuFullLoadByThread, PacingCost pacingCost, int liveCalls,
                     long heapIdleBytes, long heapFullLoadBytes, Resources before, Resources peak, Resources after,
                     Agent agent, LeftOut leftOut, List<String> stalls, Map<String, Integer> endings,
                     Map<String, Integer> warmUpEndings) {

    /**
     * The pacing clock's CPU at full load, and that of the simulated phones' RTP receive thread, which
     * takes the same packets off loopback. A send on loopback delivers the packet to the phones' socket
     * and wakes their thread, so the clock's CPU follows the network's state from run to run (18–40 %
     * of a core at 500 calls in either mode, README "Twelfth look"); the ratio leaves most of that out
     * (0.87–1.16 in runs without recording, twelfth and thirteenth looks), so a change the service
     * makes to its clock shows there.
     *
     * @param clockPercent          the service's {@code rtp-pacer} thread, % of one core
     * @param phonesReceiverPercent the network's RTP receive thread, % of one core
     */
    public record PacingCost(double clockPercent, double phonesReceiverPercent) {
        /** The clock's CPU per unit of the phones' receiver's; 0 when the receiver took none. */
        public double ratio() {
            return phonesReceiverPercent > 0 ? clockPercent / phonesReceiverPercent : 0;
        }
    }

    /** How the script ends a call: the phone hangs up, or the agent says goodbye and ends it. */
    public static final Set<String> SCRIPTED_ENDINGS = Set.of("remote_hangup", "agent_end_call");

    public Report {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(recordings, "recordings");
        Objects.requireNonNull(sendLateness, "sendLateness");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(leftOut, "leftOut");
        Objects.requireNonNull(cpuFullLoadByThread, "cpuFullLoadByThread");
        Objects.requireNonNull(pacingCost, "pacingCost");
        stalls = List.copyOf(stalls);
        endings = Collections.unmodifiableMap(new TreeMap<>(endings));
        warmUpEndings = Collections.unmodifiableMap(new TreeMap<>(warmUpEndings));
    }

    /**
     * What the latency and pacing figures leave out: everything the warm-up calls produced, and what
     * overlapped the moments the benchmark stopped the service to look at it (see {@code LeftOutTime}).
     *
     * @param samples     latency, depth and pacing samples left out, warm-up and probes together
     * @param probeMillis how long the probes stopped the service, with the settling after each
     */
    public record LeftOut(long samples, long probeMillis) {
    }

    /**
     * How the run was asked for, and where it ran; {@code aiConnect} is the service's AI_CONNECT,
     * {@code recording} whether it recorded every call (RECORDING=on), in {@code recordingFormat}
     * (RECORDING_FORMAT), {@code phonesReceiveNice} the nice
     * value of the network's thread that times the phones' RTP arrivals (0 when it could not be raised).
     */
    public record Setting(int calls, int holdSeconds, double rampPerSecond, int ringMillis, boolean pinned,
                          String date, String machine, String aiConnect, boolean recording, String recordingFormat,
                          int warmUpCalls, int phonesReceiveNice) {
    }

    /**
     * @param interruptionToSilence the agent sends {@code interruption} → the first silent RTP packet at the phone
     * @param phoneBargeIns         interruptions because a phone spoke over the agent, which the script does not
     *                              ask for: a phone starts talking at a pause in the greeting, so each is a
     *                              greeting that reached its phone with a gap (the call goes on)
     * @param repliesInsidePhrase   replies the agent gave while the phone was still saying its phrase: it heard
     *                              a gap in the caller's audio as the end of the turn (the call goes on)
     * @param pongDelay             the agent sends {@code ping} → it receives the pong
     * @param pongInService         of which in the service: the ping read off its socket → the pong handed to
     *                              it, from the service's {@code voiceagent_agent_pong_delay_seconds} histogram
     * @param bufferDepth           agent audio already sent but not yet played, at each agent frame's arrival
     * @param speechSpeed           how many times faster than real time the fake agent streams speech
     */
    public record Agent(Distribution interruptionToSilence, long phoneBargeIns, long repliesInsidePhrase,
                        Distribution pongDelay, BucketBounds pongInService, Distribution bufferDepth, double speechSpeed) {
    }

    public record Calls(int placed, int answered, int completed, int failed) {
    }

    /**
     * The measured calls' recordings once the calls ended: whether recording at 500 calls keeps up is
     * half of what recording's cost is.
     *
     * @param complete      recordings with no audio dropped
     * @param incomplete    recordings that dropped audio (the writer fell behind, or the disk failed)
     * @param missing       answered calls with no finished recording
     * @param droppedMillis audio dropped over all of them
     */
    public record Recordings(int complete, int incomplete, int missing, long droppedMillis) {
        public static final Recordings NONE = new Recordings(0, 0, 0, 0);
    }

    public record Resources(int threads, int fileDescriptors) {
    }

    /** Heap in use per live call at full load, beyond the idle heap; 0 when nothing was live. */
    public long heapPerCallBytes() {
        return liveCalls <= 0 ? 0 : Math.max(0, heapFullLoadBytes - heapIdleBytes) / liveCalls;
    }

    /**
     * The service's CPU at full load without its JIT compiler threads: after the warm-up they still took
     * 3 to 16 % of a core from run to run of one build, more than an A/B difference worth finding.
     */
    public double cpuFullLoadWithoutJitPercent() {
        return cpuFullLoadPercent - cpuFullLoadByThread.percentOfOneCore().getOrDefault("JIT", 0.0);
    }

    public double cpuPerCallPercent() {
        return liveCalls <= 0 ? 0 : cpuFullLoadPercent / liveCalls;
    }

    /**
     * Whether the answered calls were still up through the window the full-load figures come from, all
     * but one in a hundred, or one (a call or two ending early changes nothing). Some runs on a saturated
     * machine took that window with far fewer calls up (269 of 500): their CPU is not the full load's.
     */
    public boolean fullLoadReached() {
        return liveCalls >= calls.answered() - Math.max(1, calls.answered() / 100);
    }

    public double latePercent() {
        return pacingPackets == 0 ? 0 : 100.0 * latePackets / pacingPackets;
    }

    /** The table, one figure per line. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "voiceagent bench: %d calls held ~%d s after %d warm-up calls, ramp %.0f/s,"
                        + " ringing %d ms, AI_CONNECT=%s, RECORDING=%s, agent speech at %.0fx real time%s,"
                        + " phones' arrivals timed at nice %d, %s, %s%n",
                setting.calls(), setting.holdSeconds(), setting.warmUpCalls(), setting.rampPerSecond(), setting.ringMillis(),
                setting.aiConnect(), setting.recording() ? "on (" + setting.recordingFormat() + ")" : "off",
                agent.speechSpeed(),
                setting.pinned() ? ", service and network pinned to a core each" : "", setting.phonesReceiveNice(),
                setting.date(),
                setting.machine()));
        row(out, "calls placed / answered / completed / failed",
                calls.placed() + " / " + calls.answered() + " / " + calls.completed() + " / " + calls.failed());
        row(out, "calls live during the full-load window / answered", liveCalls + " / " + calls.answered()
                + (fullLoadReached() ? "" : "  SHORT: the full-load figures are for fewer calls; compare no CPU or heap figure"));
        row(out, "waits that gave up (calls or conversations the network still had open)", stalls.isEmpty() ? "none"
                : "STALLED: " + String.join("; ", stalls) + "  compare no figure of this run");
        row(out, "calls ended by (hang-up cause: count; the script's are "
                + String.join(", ", new TreeSet<>(SCRIPTED_ENDINGS)) + ")", endingsLine(endings));
        row(out, "  warm-up calls ended by", endingsLine(warmUpEndings));
        if (setting.recording()) {
            row(out, "recordings complete / incomplete / missing, audio dropped", recordings.complete() + " / "
                    + recordings.incomplete() + " / " + recordings.missing() + ", " + recordings.droppedMillis() + " ms");
        }
        row(out, "call setup (API request -> 200 OK, incl. " + setting.ringMillis() + " ms ringing) p50 / p99",
                twoMs(setup));
        row(out, "greeting (200 OK -> first greeting RTP at phone) p50 / p99", twoMs(greeting));
        row(out, "uplink (phone RTP sent -> agent WS frame received; upper bound, 2 loopback hops) p50 / p99 / max",
                threeMs(uplink));
        row(out, "downlink (agent audio frame sent after answer -> first RTP at phone) p50 / p99 / max",
                threeMs(downlink));
        row(out, "  of which the reply (greeting left out) p50 / p99 / max", threeMs(downlinkReply));
        row(out, "  of which the reply's first frame (nothing queued ahead) p50 / p99 / max",
                threeMs(downlinkReplyStart));
        row(out, "barge-in (agent sends interruption -> first silent RTP at phone) p50 / p99 / max",
                threeMs(agent.interruptionToSilence()));
        row(out, "  phones that spoke over the agent (a gap in its greeting heard as its end)",
                Long.toString(agent.phoneBargeIns()));
        row(out, "  agent replies inside a phone's phrase (a gap in the caller's audio heard as its end)",
                Long.toString(agent.repliesInsidePhrase()));
        row(out, "pong (agent sends ping -> receives pong, round trip) p50 / p99 / max", threeMs(agent.pongDelay()));
        row(out, "  of which in the service (ping read off the socket -> pong handed to it; bucket bounds) p50 / p99 / max",
                agent.pongInService().asMillis());
        row(out, "agent audio queued ahead of the phone (at each agent frame played) p50 / p99 / max",
                threeMs(agent.bufferDepth()));
        row(out, "pacing (RTP arrival at phone behind 20 ms grid) p50 / p99 / max", threeMs(pacing));
        row(out, "late packets (> 20 ms behind grid)",
                String.format(Locale.ROOT, "%.3f %% of %d", latePercent(), pacingPackets));
        row(out, "  of which at the service's pacing clock (packet's turn behind its deadline; bucket bounds) p50 / p99 / max",
                sendLateness.asMillis());
        row(out, "    turns later than 1 ms / 5 ms behind their deadline (the p99's bucket moves when the first crosses 1 %)",
                sendLateness.sharesOver());
        row(out, "  and its stalls beyond a period (1 ms ticks skipped, their calls resuming on the current one)",
                pacerSkippedTicks + " ticks");
        row(out, "packets lost / duplicated (phones)", lost + " / " + duplicated);
        row(out, "phones' longest pause in sending their phrase (the network's stalls), by phone p50 / p99 / max",
                threeMs(phoneSendingGap));
        row(out, "  longest silence the agent heard inside a phrase (the service's fill), by call p50 / p99 / max",
                threeMs(agentSilenceInsidePhrase));
        row(out, "samples left out: during the bench's own jcmd probes of the service (ms stopped) / with warm-up",
                leftOut.probeMillis() + " ms / " + leftOut.samples());
        row(out, "service CPU, whole run / at full load (% of one core)",
                String.format(Locale.ROOT, "%.1f %% / %.1f %%", cpuRunPercent, cpuFullLoadPercent));
        row(out, "  of which, by thread, at full load (% of one core)", cpuFullLoadByThread.line());
        row(out, "  at full load, JIT compilation left out (% of one core)",
                String.format(Locale.ROOT, "%.1f %%", cpuFullLoadWithoutJitPercent()));
        row(out, "demo network process CPU at full load (% of one core, same machine)",
                String.format(Locale.ROOT, "%.1f %%", networkCpuFullLoadPercent));
        row(out, "  pacing clock / the phones' thread receiving its packets, at full load (% of one core)",
                String.format(Locale.ROOT, "%.1f / %.1f %% = %.2f", pacingCost.clockPercent(),
                        pacingCost.phonesReceiverPercent(), pacingCost.ratio()));
        row(out, "service CPU per live call (full load, " + liveCalls + " live)",
                String.format(Locale.ROOT, "%.3f %%", cpuPerCallPercent()));
        row(out, "heap after GC idle / full load / per live call",
                kib(heapIdleBytes) + " / " + kib(heapFullLoadBytes) + " / " + kib(heapPerCallBytes()));
        row(out, "threads before / peak / after", before.threads() + " / " + peak.threads() + " / " + after.threads());
        row(out, "open fds before / peak / after",
                before.fileDescriptors() + " / " + peak.fileDescriptors() + " / " + after.fileDescriptors());
        return out.toString();
    }

    /**
     * {@code cause count · cause count}; when a call ended otherwise than by the script, a warning
     * that the network failed some calls.
     */
    private static String endingsLine(Map<String, Integer> endings) {
        if (endings.isEmpty()) {
            return "none";
        }
        StringBuilder line = new StringBuilder();
        endings.forEach((cause, count) -> line.append(line.isEmpty() ? "" : " · ").append(cause).append(' ').append(count));
        return SCRIPTED_ENDINGS.containsAll(endings.keySet()) ? line.toString()
                : line + "  NETWORK FAILED some calls: the load was lower than it says";
    }

    /** The same figures as {@link #table()}, durations in milliseconds. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls_requested", setting.calls());
        out.put("hold_seconds", setting.holdSeconds());
        out.put("ramp_per_second", setting.rampPerSecond());
        out.put("ring_ms", setting.ringMillis());
        out.put("pinned", setting.pinned());
        out.put("phones_receive_nice", setting.phonesReceiveNice());
        out.put("date", setting.date());
        out.put("machine", setting.machine());
        out.put("ai_connect", setting.aiConnect());
        out.put("recording", setting.recording());
        if (setting.recording()) {
            out.put("recording_format", setting.recordingFormat());
        }
        out.put("agent_speech_speed", agent.speechSpeed());
        out.put("warm_up_calls", setting.warmUpCalls());
        out.put("left_out", Map.of("samples", leftOut.samples(), "probe_ms", leftOut.probeMillis()));
        out.put("calls", Map.of("placed", calls.placed(), "answered", calls.answered(),
                "completed", calls.completed(), "failed", calls.failed()));
        if (setting.recording()) {
            out.put("recordings", Map.of("complete", recordings.complete(), "incomplete", recordings.incomplete(),
                    "missing", recordings.missing(), "dropped_ms", recordings.droppedMillis()));
        }
        out.put("setup_ms", millis(setup));
        out.put("greeting_ms", millis(greeting));
        out.put("uplink_ms", millis(uplink));
        out.put("downlink_ms", millis(downlink));
        out.put("downlink_reply_ms", millis(downlinkReply));
        out.put("downlink_reply_start_ms", millis(downlinkReplyStart));
        out.put("interruption_to_silence_ms", millis(agent.interruptionToSilence()));
        out.put("phone_barge_ins", agent.phoneBargeIns());
        out.put("replies_inside_phrase", agent.repliesInsidePhrase());
        out.put("pong_delay_ms", millis(agent.pongDelay()));
        out.put("pong_delay_in_service_ms", agent.pongInService().toJson());
        out.put("agent_buffer_depth_ms", millis(agent.bufferDepth()));
        out.put("pacing_ms", millis(pacing));
        out.put("pacing_packets", pacingPackets);
        out.put("phone_longest_sending_gap_ms", millis(phoneSendingGap));
        out.put("agent_longest_silence_inside_phrase_ms", millis(agentSilenceInsidePhrase));
        out.put("late_packets", latePackets);
        out.put("late_percent", latePercent());
        out.put("send_lateness_ms", sendLateness.toJson());
        out.put("pacer_skipped_ticks", pacerSkippedTicks);
        out.put("packets_lost", lost);
        out.put("packets_duplicated", duplicated);
        out.put("cpu_run_percent", cpuRunPercent);
        out.put("cpu_full_load_percent", cpuFullLoadPercent);
        out.put("cpu_per_call_percent", cpuPerCallPercent());
        out.put("network_cpu_full_load_percent", networkCpuFullLoadPercent);
        out.put("cpu_full_load_by_thread_percent", cpuFullLoadByThread.percentOfOneCore());
        out.put("pacing_clock_cpu_full_load_percent", pacingCost.clockPercent());
        out.put("phones_receiver_cpu_full_load_percent", pacingCost.phonesReceiverPercent());
        out.put("pacing_clock_to_phones_receiver_cpu", pacingCost.ratio());
        out.put("cpu_full_load_without_jit_percent", cpuFullLoadWithoutJitPercent());
        out.put("live_calls_at_full_load", liveCalls);
        out.put("full_load_reached", fullLoadReached());
        out.put("stalls", stalls);
        out.put("endings", endings);
        out.put("warm_up_endings", warmUpEndings);
        out.put("heap_idle_bytes", heapIdleBytes);
        out.put("heap_full_load_bytes", heapFullLoadBytes);
        out.put("heap_per_call_bytes", heapPerCallBytes());
        out.put("threads", Map.of("before", before.threads(), "peak", peak.threads(), "after", after.threads()));
        out.put("fds", Map.of("before", before.fileDescriptors(), "peak", peak.fileDescriptors(),
                "after", after.fileDescriptors()));
        return out;
    }

    private static Map<String, Object> millis(Distribution d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", d.count());
        out.put("p50", ms(d.p50()));
        out.put("p99", ms(d.p99()));
        out.put("max", ms(d.max()));
        return out;
    }

    private static void row(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-100s %s%n", label, value));
    }

    static String twoMs(Distribution d) {
        return d.count() == 0 ? "n/a" : format(d.p50()) + " / " + format(d.p99()) + " ms  (n=" + d.count() + ")";
    }

    static String threeMs(Distribution d) {
        return d.count() == 0 ? "n/a"
                : format(d.p50()) + " / " + format(d.p99()) + " / " + format(d.max()) + " ms  (n=" + d.count() + ")";
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static String format(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1_000_000.0);
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
