/**
 * {@code voiceagent bench}, the load benchmark: {@link io.voiceagent.bench.Benchmark} starts the
 * real service from the built jar and the demo network ({@link io.voiceagent.bench.NetworkProcess})
 * as two more processes, places N concurrent calls through the service's HTTP API, and prints one
 * {@link io.voiceagent.bench.Report} (table or JSON) of what the calls and both processes did.
 * Latency is measured inside the simulated network by {@link io.voiceagent.bench.NetworkRecorder}
 * (the {@code demo.carrier.RtpProbe} and {@code demo.agent.AudioProbe}), which matches numbered audio
 * frames ({@link io.voiceagent.bench.FrameMarker}) where they come out against when they went in;
 * {@code Samples} and {@link io.voiceagent.bench.Distribution} summarise durations, {@code ProcessProbe}
 * reads CPU (the process's, and each thread's, grouped by {@code ThreadCpu}), threads, descriptors and heap from {@code /proc} and {@code jcmd}. What only the service
 * can see (the pong's delay inside it) comes from its {@code /metrics} at the end of the run, summarised
 * by {@link io.voiceagent.bench.BucketBounds}. Nothing is asserted.
 *
 * <p>What the figures leave out ({@code LeftOutTime}): the warm-up calls run first, so that the
 * service's code is compiled before anything is measured, and the moments the benchmark itself stops
 * the service to look at it (a full GC, a thread dump and a class histogram at full load), with a
 * settling time after; the table says how long those were and how many samples they took away.
 *
 * <p>Threads: in the benchmark process, the main thread runs the phases and one virtual thread per
 * call ({@code bench-call-N}) places it; a shutdown hook ({@code bench-cleanup}) stops both child
 * processes. In the network process the main thread answers commands on stdin, and the recorder
 * runs on the demo carrier's pacing and RTP receive threads and on each fake conversation's threads
 * (the agent's goodbye is scheduled on a virtual thread).
 *
 * <p>Locks: each call trace's lock and each {@code Samples}' lock are leaves, never held together;
 * the recorder is called under a fake conversation's lock (see {@code demo.agent}).
 * Depends on {@code demo}, {@code demo.carrier}, {@code demo.agent} and {@code media} (G.711 in
 * {@code FrameMarker}); only {@code cli} uses it.
 */
package io.voiceagent.bench;
