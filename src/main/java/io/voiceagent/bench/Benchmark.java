package io.voiceagent.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.demo.carrier.DemoCarrier;
import io.voiceagent.media.Pacer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * {@code voiceagent bench}: drives N concurrent calls through the real service, started as its own
 * process from the built jar, against the demo network started as another process
 * ({@link NetworkProcess}), then prints one table (or JSON) of what the calls and both processes
 * did. Both processes are always stopped, by a shutdown hook too.
 */
public final class Benchmark {

    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final Duration RETURN_TIMEOUT = Duration.ofSeconds(75);
    /** The JDK's {@code jcmd}, beside the {@code java} this runs on: the probes look at both processes with it. */
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private final Options options;
    private final PrintStream log;
    private final Path workDir;
    private final Path javaBinary;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiToken = HexFormat.of().formatHex(randomBytes(16));
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    /** The waits that gave up, for the report. */
    private final List<String> stalls = new ArrayList<>();
    /** The warm-up calls' hang-up causes, for the report. */
    private Map<String, Integer> warmUpEndings = Map.of();
    private Process network;
    private BufferedReader networkOut;
    private Writer networkIn;
    private Process service;
    private URI serviceUri;

    /** What the command line asked for. */
    record Options(int calls, int holdSeconds, double rampPerSecond, boolean json, Path jar, boolean flightRecording,
                   List<String> serviceJvmOptions, int ringMillis, boolean pinned, String aiConnect,
                   boolean recording, String recordingFormat, int warmUpCalls) {
        static Options parse(String[] args) {
            int calls = 100;
            int seconds = 20;
            Double ramp = null;
            boolean json = false;
            boolean jfr = false;
            List<String> serviceJvmOptions = new ArrayList<>();
            Path jar = defaultJar();
            int ringMillis = 1000;
            boolean pinned = false;
            String aiConnect = "ringing";
            boolean recording = false;
            String recordingFormat = "pcm16";
            Integer warmUp = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--calls" -> calls = positive("--calls", value(args, ++i));
                    case "--seconds" -> seconds = positive("--seconds", value(args, ++i));
                    case "--ramp" -> ramp = (double) positive("--ramp", value(args, ++i));
                    case "--json" -> json = true;
                    case "--jfr" -> jfr = true;
                    case "--service-jvm-option" -> serviceJvmOptions.add(value(args, ++i));
                    case "--jar" -> jar = Path.of(value(args, ++i));
                    case "--ring-ms" -> ringMillis = positive("--ring-ms", value(args, ++i));
                    case "--pin" -> pinned = true;
                    case "--ai-connect" -> aiConnect = oneOf("--ai-connect", value(args, ++i), "ringing", "answer");
                    case "--recording" -> recording = true;
                    case "--recording-format" -> {
                        recordingFormat = oneOf("--recording-format", value(args, ++i), "pcm16", "g711");
                        recording = true;
                    }
                    case "--warm-up" -> warmUp = nonNegative("--warm-up", value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; usage: bench [--calls N] [--seconds T] [--ramp R] [--json] [--jfr] [--service-jvm-option OPT]... [--jar PATH] [--ring-ms MS] [--pin] [--ai-connect ringing|answer] [--recording] [--recording-format pcm16|g711] [--warm-up N]");
                }
            }
            // By default every call is started within a quarter of the hold time, so they all overlap.
            double rampPerSecond = ramp != null ? ramp : Math.max(10, Math.ceil(calls / (seconds / 4.0)));
            // By default as many calls as will be measured first run the whole script, so that the JIT
            // has compiled the paths of full load before anything is measured, as in a service that has
            // run a while. Measured: with 20 warm-up calls before 200, C2 still took a third of the
            // service's CPU during the full-load window, recompiling as new paths became hot.
            int warmUpCalls = warmUp != null ? warmUp : calls;
            return new Options(calls, seconds, rampPerSecond, json, jar, jfr, List.copyOf(serviceJvmOptions), ringMillis,
                    pinned, aiConnect, recording, recordingFormat, warmUpCalls);
        }

        private static String oneOf(String name, String text, String... allowed) {
            if (List.of(allowed).contains(text)) {
                return text;
            }
            throw new IllegalArgumentException(name + " expects one of " + String.join(", ", allowed) + ", got " + text);
        }

        /** The jar this runs from (as {@code bin/voiceagent bench} does), else the build's {@code target/voiceagent.jar}. */
        private static Path defaultJar() {
            String classPath = System.getProperty("java.class.path", "");
            if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
                return Path.of(classPath);
            }
            return Path.of("target", "voiceagent.jar");
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static int positive(String name, String text) {
            return atLeast(1, name, text, "a positive whole number");
        }

        private static int nonNegative(String name, String text) {
            return atLeast(0, name, text, "a whole number, 0 or more");
        }

        private static int atLeast(int least, String name, String text, String expected) {
            try {
                int value = Integer.parseInt(text);
                if (value >= least) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " expects " + expected + ", got " + text);
        }
    }

    private Benchmark(Options options, PrintStream log, Path workDir) {
        this.options = options;
        this.log = log;
        this.workDir = workDir;
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the benchmark; returns 0 when it ran, 2 for bad arguments, 1 when it failed. */
    public static int run(String... args) {
        if (List.of(args).contains("--journal")) {
            return JournalBench.run(List.of(args), System.out);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(options.jar())) {
            System.err.println("no service jar at " + options.jar().toAbsolutePath()
                    + ": build it with `mvn -q -B package -DskipTests` or pass --jar PATH");
            return 2;
        }
        Benchmark benchmark;
        try {
            benchmark = new Benchmark(options, System.err, Files.createTempDirectory("voiceagent-bench-"));
        } catch (IOException e) {
            System.err.println("cannot create a work folder: " + e.getMessage());
            return 1;
        }
        Thread cleanup = new Thread(benchmark::stopAll, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Report report = benchmark.run();
            System.out.print(options.json() ? JSON.std.asString(report.toJson()) + System.lineSeparator() : report.table());
            return 0;
        } catch (Exception e) {
            System.err.println("the benchmark failed: " + e);
            return 1;
        } finally {
            benchmark.stopAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private Report run() throws Exception {
        Map<String, Object> net = startNetwork();
        startService(net);
        ProcessProbe probe = new ProcessProbe(service.pid(), JCMD);
        ProcessProbe networkProbe = new ProcessProbe(network.pid(), JCMD);
        awaitServiceReady();
        Thread.sleep(SETTLE.toMillis());
        // jcmd first: the JVM starts its attach listener thread on the first attach, not because of calls.
        long heapIdle = probe.heapUsedAfterGc().orElse(0);
        Report.Resources before = resources(probe);
        log.printf("service ready (pid %d): %d threads, %d fds, heap %d KiB after GC%n", service.pid(),
                before.threads(), before.fileDescriptors(), heapIdle / 1024);

        warmUp();
        Map<String, Object> afterWarmUp = networkCommand("warm-up-ended");
        String metricsAfterWarmUp = scrapeMetrics();

        Duration cpuStart = probe.cpuTime();
        long runStart = System.nanoTime();
        Map<String, Long> requestedAt = new ConcurrentHashMap<>(); // by the number's digits
        Map<String, String> callIds = new ConcurrentHashMap<>();
        List<Thread> starters = placeCalls(options.calls(), 0, requestedAt, callIds);
        for (Thread starter : starters) {
            starter.join();
        }
        int placed = callIds.size();
        log.printf("%d of %d calls placed%n", placed, options.calls());

        // Full load: every placed call answered. Measure CPU over a window, then threads, fds and heap.
        long answeredBefore = number(afterWarmUp, "answered");
        awaitStatus("every call answered", status -> number(status, "answered") - answeredBefore >= placed,
                Duration.ofSeconds(30));
        // As long as every call is sure to be up (a third of the hold), at most 15 s: a short window
        // is noisy (5 s windows of the same 200-call run differed by 7 points of a core).
        Duration window = Duration.ofSeconds(Math.max(2, Math.min(15, options.holdSeconds() / 3)));
        Thread.sleep(1_000);
        Map<String, Object> atWindowStart = networkCommand("status");
        Duration cpuWindowStart = probe.cpuTime();
        Duration networkCpuWindowStart = networkProbe.cpuTime();
        Map<String, Long> threadCpuWindowStart = probe.cpuTicksByThreadName();
        Map<String, Long> networkThreadCpuWindowStart = networkProbe.cpuTicksByThreadName();
        long windowStart = System.nanoTime();
        Thread.sleep(window.toMillis());
        long windowNanos = System.nanoTime() - windowStart;
        double cpuFullLoad = percent(probe.cpuTime().minus(cpuWindowStart), windowNanos);
        double networkCpuFullLoad = percent(networkProbe.cpuTime().minus(networkCpuWindowStart), windowNanos);
        Map<String, Long> threadCpuWindowEnd = probe.cpuTicksByThreadName();
        Map<String, Long> networkThreadCpuWindowEnd = networkProbe.cpuTicksByThreadName();
        ThreadCpu cpuFullLoadByThread = ThreadCpu.between(threadCpuWindowStart, threadCpuWindowEnd, windowNanos);
        Report.PacingCost pacingCost = new Report.PacingCost(
                ThreadCpu.percentOf(Pacer.THREAD_NAME, threadCpuWindowStart, threadCpuWindowEnd, windowNanos),
                ThreadCpu.percentOf(DemoCarrier.RTP_RECEIVER_THREAD, networkThreadCpuWindowStart,
                        networkThreadCpuWindowEnd, windowNanos));
        Map<String, Object> atWindowEnd = networkCommand("status");
        int live = (int) Math.min(live(atWindowStart), live(atWindowEnd));
        Report.Resources peak = resources(probe);
        String metricsBeforeProbe = scrapeMetrics();
        networkCommand("probe-start"); // a full GC, a thread dump and a class histogram stop the service
        long heapFull = probe.heapUsedAfterGc().orElse(0);
        Files.writeString(workDir.resolve("threads-full-load.txt"), probe.jcmd("Thread.print"));
        Files.writeString(workDir.resolve("heap-histogram-full-load.txt"), probe.jcmd("GC.class_histogram"));
        networkCommand("probe-end");
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(LeftOutTime.SETTLE)); // as the network leaves its samples out
        String metricsAfterProbe = scrapeMetrics();
        log.printf("full load: %d live calls, CPU %.1f %%, %d threads, heap %d KiB%n", live, cpuFullLoad,
                peak.threads(), heapFull / 1024);

        awaitStatus("every call ended", Benchmark::allEnded,
                Duration.ofSeconds(options.holdSeconds() + 90L));
        double cpuRun = percent(probe.cpuTime().minus(cpuStart), System.nanoTime() - runStart);
        List<Map<String, Object>> endedCalls = endedCalls(callIds);
        Report.Calls calls = callOutcomes(endedCalls, placed);
        Report.Recordings recordings = options.recording() ? recordings(endedCalls) : Report.Recordings.NONE;
        Map<String, Integer> endings = endings(endedCalls);
        Map<String, Object> dump = networkCommand("dump");
        Files.writeString(workDir.resolve("network-dump.json"), JSON.std.asString(dump));
        String metrics = scrapeMetrics();
        Files.writeString(workDir.resolve("service-metrics.txt"), metrics);
        http.close(); // our keep-alive connections would otherwise count as the service's descriptors
        Report.Resources after = awaitBaseline(probe, before);
        Files.writeString(workDir.resolve("threads-after.txt"), probe.jcmd("Thread.print"));

        List<Long> setup = new ArrayList<>();
        List<Long> greeting = new ArrayList<>();
        long lost = 0;
        long duplicated = 0;
        for (Object entry : (List<?>) dump.getOrDefault("phones", List.of())) {
            Map<?, ?> phone = (Map<?, ?>) entry;
            Long requested = requestedAt.get(NetworkRecorder.digits(String.valueOf(phone.get("number"))));
            if (requested == null) {
                continue; // a warm-up call
            }
            if (phone.get("answered_at_ns") instanceof Number answered) {
                setup.add(answered.longValue() - requested);
            }
            if (phone.get("greeting_ns") instanceof Number g) {
                greeting.add(g.longValue());
            }
            lost += number(phone, "lost");
            duplicated += number(phone, "duplicated");
        }
        Report.Setting setting = new Report.Setting(options.calls(), options.holdSeconds(), options.rampPerSecond(),
                options.ringMillis(), options.pinned(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine(),
                options.aiConnect(), options.recording(), options.recordingFormat(), options.warmUpCalls(), (int) number(net, "phones_receive_nice"));
        Report.Agent agent = new Report.Agent(Distribution.fromJson(dump.get("interruption_to_silence")),
                number(dump, "phone_barge_ins"), number(dump, "replies_inside_phrase"),
                Distribution.fromJson(dump.get("pong_delay")),
                BucketBounds.fromScrapes(metricsAfterWarmUp, metrics, "voiceagent_agent_pong_delay_seconds"),
                Distribution.fromJson(dump.get("agent_buffer_depth")),
                io.voiceagent.demo.agent.FakeAgentOptions.DEFAULT_SPEECH_SPEED);
        return new Report(setting, calls, recordings, distribution(setup), distribution(greeting),
                Distribution.fromJson(dump.get("uplink")), Distribution.fromJson(dump.get("downlink")),
                Distribution.fromJson(dump.get("downlink_reply")),
                Distribution.fromJson(dump.get("downlink_reply_start")),
                Distribution.fromJson(dump.get("pacing")), number(dump, "pacing_packets"), number(dump, "pacing_late"),
                Distribution.fromJson(dump.get("phone_longest_sending_gap")),
                Distribution.fromJson(dump.get("agent_longest_silence_inside_phrase")),
                BucketBounds.overIntervals("voiceagent_rtp_send_lateness_seconds", metricsAfterWarmUp, metricsBeforeProbe,
                        metricsAfterProbe, metrics),
                CounterScrapes.overIntervals("voiceagent_rtp_pacer_skipped_ticks_total", metricsAfterWarmUp,
                        metricsBeforeProbe, metricsAfterProbe, metrics),
                lost, duplicated, cpuRun, cpuFullLoad, networkCpuFullLoad, cpuFullLoadByThread, pacingCost, live, heapIdle, heapFull, before, peak, after,
                agent, new Report.LeftOut(leftOutSamples(dump), number(dump, "probe_ms")), stalls, endings, warmUpEndings);
    }

    // ---- the two processes ----

    private Map<String, Object> startNetwork() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand("network", "-cp", System.getProperty("java.class.path"),
                NetworkProcess.class.getName(), "--hold-seconds", Integer.toString(options.holdSeconds()),
                "--ring-ms", Integer.toString(options.ringMillis())))
                .redirectError(workDir.resolve("network.log").toFile());
        network = started(builder);
        networkOut = new BufferedReader(new InputStreamReader(network.getInputStream(), StandardCharsets.UTF_8));
        networkIn = new OutputStreamWriter(network.getOutputStream(), StandardCharsets.UTF_8);
        String ready = networkLine();
        if (ready == null) {
            throw new IOException("the demo network exited before it was ready; see " + workDir.resolve("network.log"));
        }
        log.printf("demo network up (pid %d): %s%n", network.pid(), workDir);
        return JSON.std.mapFrom(ready);
    }

    private void startService(Map<String, Object> net) throws IOException {
        int httpPort = freeTcpPort();
        RandomGenerator random = new SecureRandom();
        int sipBase = 30_000 + 2 * random.nextInt(2_500);
        int rtpBase = 40_000 + 2 * random.nextInt(5_000);
        List<String> args = new ArrayList<>(options.serviceJvmOptions());
        args.addAll(List.of("-jar", options.jar().toAbsolutePath().toString(), "start"));
        ProcessBuilder builder = new ProcessBuilder(javaCommand("service", args.toArray(String[]::new)))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("service.log").toFile());
        Map<String, String> env = builder.environment();
        Map<String, String> keep = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "TMPDIR")) {
            Optional.ofNullable(env.get(name)).ifPresent(value -> keep.put(name, value));
        }
        env.clear();
        env.putAll(keep);
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("API_TOKEN", apiToken);
        env.put("MAX_CONCURRENT_CALLS", Integer.toString(options.calls()));
        env.put("DATA_DIR", workDir.resolve("data").toString());
        env.put("LOG_LEVEL", "WARN");
        env.put("SIP_SERVER", String.valueOf(net.get("sip_server")));
        env.put("SIP_DOMAIN", String.valueOf(net.get("sip_domain")));
        env.put("SIP_LOGIN", String.valueOf(net.get("sip_login")));
        env.put("SIP_PASSWORD", String.valueOf(net.get("sip_password")));
        env.put("SIP_PUBLIC_IP", "127.0.0.1");
        env.put("SIP_PORT_MIN", Integer.toString(sipBase));
        env.put("SIP_PORT_MAX", Integer.toString(sipBase + 20));
        env.put("RTP_PORT_MIN", Integer.toString(rtpBase));
        env.put("RTP_PORT_MAX", Integer.toString(rtpBase + 4 * options.calls() + 100));
        env.put("ELEVENLABS_WS_URL", String.valueOf(net.get("agent_ws_url")));
        env.put("ELEVENLABS_API_URL", String.valueOf(net.get("agent_api_url")));
        env.put("ELEVENLABS_AGENT_ID", String.valueOf(net.get("agent_id")));
        env.put("ELEVENLABS_API_KEY", String.valueOf(net.get("agent_api_key")));
        env.put("AI_CONNECT", options.aiConnect());
        env.put("RECORDING", options.recording() ? "on" : "off");
        env.put("RECORDING_FORMAT", options.recordingFormat());
        service = started(builder);
        serviceUri = URI.create("http://127.0.0.1:" + httpPort);
        log.printf("service starting (pid %d) on %s; log %s%n", service.pid(), serviceUri, workDir.resolve("service.log"));
    }

    /** {@code java ARGS}, with a flight recording to {@code NAME.jfr} in the work directory under --jfr. */
    private List<String> javaCommand(String name, String... args) {
        List<String> command = new ArrayList<>();
        if (options.pinned()) {
            // --pin: the service on CPU 0, the simulated network on CPU 1, so that neither waits for
            // the other's work and the service's figures are its own.
            command.addAll(List.of("taskset", "-c", name.equals("service") ? "0" : "1"));
        }
        command.add(javaBinary.toString());
        if (options.flightRecording()) {
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + workDir.resolve(name + ".jfr") + ",dumponexit=true");
        }
        command.addAll(List.of(args));
        return command;
    }

    private Process started(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /**
     * Stops the service first (SIGTERM, so it hangs up and unregisters while the network still
     * answers), then the network; SIGKILL for either after 10 s. Safe to call twice.
     */
    private void stopAll() {
        for (Process process : List.copyOf(processes).reversed()) {
            if (process == network && process.isAlive()) {
                try {
                    networkIn.write("quit\n");
                    networkIn.flush();
                } catch (IOException e) {
                    // it is being destroyed below anyway
                }
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Map<String, Object> networkCommand(String command) throws IOException {
        networkIn.write(command + "\n");
        networkIn.flush();
        String line = networkLine();
        if (line == null) {
            throw new IOException("the demo network exited; see " + workDir.resolve("network.log"));
        }
        return JSON.std.mapFrom(line);
    }

    /** The network's next JSON line; the JVM may print other lines (a flight recording starting). */
    private String networkLine() throws IOException {
        String line = networkOut.readLine();
        while (line != null && !line.startsWith("{")) {
            log.println("network: " + line);
            line = networkOut.readLine();
        }
        return line;
    }

    /**
     * Waits up to {@code timeout} for the network's status to be {@code done}. When it gives up, the
     * run is marked stalled ({@link Report#stalls}) and both processes' threads are saved in the work
     * directory, as they stand, to find out which side held the calls up.
     */
    private void awaitStatus(String what, java.util.function.Predicate<Map<String, Object>> done, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> status = networkCommand("status");
        while (!done.test(status) && System.nanoTime() - deadline < 0) {
            Thread.sleep(250);
            status = networkCommand("status");
        }
        if (!done.test(status)) {
            String stall = what + " not after " + timeout.toSeconds() + " s, network status " + status;
            stalls.add(stall);
            log.printf("gave up waiting: %s%n", stall);
            saveThreads("stalled-" + stalls.size());
        }
    }

    /** {@code threads-NAME-service.txt} and {@code threads-NAME-network.txt}: each process's thread dump. */
    private void saveThreads(String name) throws InterruptedException {
        for (Process process : List.of(service, network)) {
            Path file = workDir.resolve("threads-" + name + "-" + (process == service ? "service" : "network") + ".txt");
            try {
                Files.writeString(file, new ProcessProbe(process.pid(), JCMD).jcmd("Thread.print"));
                log.printf("threads saved in %s%n", file);
            } catch (IOException e) {
                log.printf("threads not saved in %s: %s%n", file, e.getMessage());
            }
        }
    }

    /** Every call the network answered has ended, and the agent has no conversation open. */
    private static boolean allEnded(Map<String, Object> status) {
        return number(status, "ended") >= number(status, "answered") && number(status, "open_conversations") == 0;
    }

    private static long live(Map<String, Object> status) {
        return number(status, "answered") - number(status, "ended");
    }

    // ---- the service's HTTP API ----

    private void awaitServiceReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SERVICE_START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!service.isAlive()) {
                throw new IOException("the service exited with " + service.exitValue() + "; see "
                        + workDir.resolve("service.log"));
            }
            try {
                HttpResponse<String> response = http.send(request("/health").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && "ok".equals(JSON.std.mapFrom(response.body()).get("status"))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IOException("the service was not ready within " + SERVICE_START_TIMEOUT.toSeconds()
                + " s (last /health: " + last + "); see " + workDir.resolve("service.log"));
    }

    /** The service's {@code /metrics}, where it times what only it can see (the pong delay inside it). */
    private String scrapeMetrics() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Runs {@code --warm-up} calls through the whole script (greeting, reply, barge-in, goodbye) and
     * waits for them to end: what they measure is left out, and the service's code is compiled by then.
     */
    private void warmUp() throws IOException, InterruptedException {
        if (options.warmUpCalls() == 0) {
            return;
        }
        Map<String, String> callIds = new ConcurrentHashMap<>();
        for (Thread starter : placeCalls(options.warmUpCalls(), options.calls(), new ConcurrentHashMap<>(), callIds)) {
            starter.join();
        }
        awaitStatus("every warm-up call answered", status -> number(status, "answered") >= callIds.size(),
                Duration.ofSeconds(30));
        awaitStatus("every warm-up call ended", Benchmark::allEnded,
                Duration.ofSeconds(options.holdSeconds() + 90L));
        warmUpEndings = endings(endedCalls(callIds));
        log.printf("%d warm-up calls done; ended by %s%n", callIds.size(), warmUpEndings);
    }

    private static long leftOutSamples(Map<String, Object> dump) {
        long total = 0;
        if (dump.get("left_out") instanceof Map<?, ?> counts) {
            for (Object count : counts.values()) {
                total += count instanceof Number n ? n.longValue() : 0;
            }
        }
        return total;
    }

    /**
     * Places {@code count} calls, numbered from {@code firstNumber}: one virtual thread per call,
     * {@code rampPerSecond} of them a second.
     */
    private List<Thread> placeCalls(int count, int firstNumber, Map<String, Long> requestedAt,
                                    Map<String, String> callIds) throws InterruptedException {
        List<Thread> starters = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / options.rampPerSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String number = numberFor(firstNumber + i);
            starters.add(Thread.ofVirtual().name("bench-call-" + i).start(() -> placeCall(number, requestedAt, callIds)));
        }
        return starters;
    }

    /** A distinct demo number per call that always converses (its last four digits are 5555). */
    static String numberFor(int call) {
        return String.format(Locale.ROOT, "+79%05d5555", call);
    }

    private void placeCall(String number, Map<String, Long> requestedAt, Map<String, String> callIds) {
        String body = "{\"phone_number\":\"" + number + "\",\"dynamic_variables\":{\""
                + NetworkRecorder.CALL_VARIABLE + "\":\"" + number + "\"}}";
        try {
            requestedAt.put(NetworkRecorder.digits(number), System.nanoTime());
            HttpResponse<String> response = http.send(request("/api/calls/start")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201) {
                callIds.put(number, String.valueOf(JSON.std.mapFrom(response.body()).get("id")));
            } else {
                log.printf("call %s refused: %d %s%n", number, response.statusCode(), response.body());
            }
        } catch (IOException e) {
            log.printf("call %s: %s%n", number, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The measured calls as the API shows them once they ended. A recording still being closed (its
     * writer finishes within a tick of the hang-up) is asked for again, for up to 5 s.
     */
    private List<Map<String, Object>> endedCalls(Map<String, String> callIds) throws InterruptedException {
        List<Map<String, Object>> ended = new ArrayList<>();
        List<String> pending = new ArrayList<>(callIds.values());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!pending.isEmpty()) {
            List<String> again = new ArrayList<>();
            for (String id : pending) {
                Map<String, Object> call = call(id);
                if (call == null) {
                    continue; // not readable: logged, left out of the figures
                }
                if (recordingState(call).equals("recording") && System.nanoTime() < deadline) {
                    again.add(id);
                } else {
                    ended.add(call);
                }
            }
            pending = again;
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
        return ended;
    }

    private Map<String, Object> call(String id) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request("/api/calls/" + id).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            log.printf("call %s: %s%n", id, e);
            return null;
        }
    }

    /** The call's recording state ({@code complete}, {@code incomplete}, {@code recording}), or "" when it has none. */
    private static String recordingState(Map<String, Object> call) {
        return call.get("recording") instanceof Map<?, ?> recording ? String.valueOf(recording.get("state")) : "";
    }

    private Report.Calls callOutcomes(List<Map<String, Object>> calls, int placed) {
        int answered = 0;
        int completed = 0;
        for (Map<String, Object> call : calls) {
            if (call.get("answered_at") != null) {
                answered++;
            }
            if ("completed".equals(call.get("status"))) {
                completed++;
            }
        }
        return new Report.Calls(placed, answered, completed, options.calls() - completed);
    }

    /**
     * How many calls ended by each hang-up cause: the script ends a call by the phone's hang-up or the
     * agent's goodbye ({@link Report#SCRIPTED_ENDINGS}), so any other cause (the agent's connection
     * lost, no RTP from a phone) is the simulated network failing under load, and a run with such
     * calls carried less than it says.
     */
    private static Map<String, Integer> endings(List<Map<String, Object>> calls) {
        Map<String, Integer> endings = new TreeMap<>();
        for (Map<String, Object> call : calls) {
            endings.merge(String.valueOf(call.get("hangup_cause")), 1, Integer::sum);
        }
        return endings;
    }

    private static Report.Recordings recordings(List<Map<String, Object>> calls) {
        int complete = 0;
        int incomplete = 0;
        int missing = 0;
        long droppedMillis = 0;
        for (Map<String, Object> call : calls) {
            if (call.get("answered_at") == null) {
                continue;
            }
            switch (recordingState(call)) {
                case "complete" -> complete++;
                case "incomplete" -> incomplete++;
                default -> missing++;
            }
            if (call.get("recording") instanceof Map<?, ?> recording && recording.get("dropped_ms") instanceof Number ms) {
                droppedMillis += ms.longValue();
            }
        }
        return new Report.Recordings(complete, incomplete, missing, droppedMillis);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(serviceUri.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiToken);
    }

    // ---- helpers ----

    /**
     * The service's threads and descriptors once they are back to {@code before}, or as they are
     * after {@link #RETURN_TIMEOUT}: idle pool threads (the virtual threads' carriers among them)
     * retire only after their keep-alive time.
     */
    private Report.Resources awaitBaseline(ProcessProbe probe, Report.Resources before)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + RETURN_TIMEOUT.toNanos();
        Report.Resources now = resources(probe);
        while ((now.threads() > before.threads() || now.fileDescriptors() > before.fileDescriptors())
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(1_000);
            now = resources(probe);
        }
        return now;
    }

    private static Report.Resources resources(ProcessProbe probe) throws IOException {
        return new Report.Resources(probe.threads(), probe.openFileDescriptors());
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double percent(Duration cpu, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : 100.0 * cpu.toNanos() / elapsedNanos;
    }

    private static Distribution distribution(List<Long> values) {
        return Distribution.of(values.stream().mapToLong(Long::longValue).toArray());
    }

    private static long number(Map<?, ?> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // the CPU model is only a label
        }
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            // the load is only a label
        }
        // The 1-minute load average says how much else ran: on a shared machine it moves every figure.
        return Runtime.getRuntime().availableProcessors() + " cores " + cpu + ", JDK " + Runtime.version().feature()
                + ", load avg " + load;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
