/**
 * The built-in demo network: {@link io.voiceagent.demo.DemoNetwork} starts a simulated carrier
 * ({@code demo.carrier}) and a simulated ElevenLabs agent ({@code demo.agent}) on loopback and
 * points a {@code Config} at them ({@code configure}), so the service reaches them only through its
 * real SIP, RTP and WebSocket code. Used by {@code bin/voiceagent start} when no credentials are
 * set (and {@code demo}), by the tests and, with measurement probes, by the load benchmark.
 *
 * <p>Threads: none of its own; {@code start} and {@code close} run on the caller's thread (the main
 * thread in the service, wired by {@code app.Module}), and each simulated party runs its own threads,
 * described in its package. No locks.
 *
 * <p>Depends on {@code demo.carrier}, {@code demo.agent} and {@code config}; never on the service's
 * packages ({@code sip}, {@code media}, {@code ai}, {@code call}), whose behaviour it exists to check.
 * Only {@code app} and {@code bench} depend on it.
 */
package io.voiceagent.demo;
