/**
 * The service's configuration: {@link io.voiceagent.config.ConfigLoader} reads the environment and
 * an optional {@code .env} file, validates every variable and lists every problem at once in a
 * {@link io.voiceagent.config.ConfigException}; {@link io.voiceagent.config.Config} is the immutable
 * result, in one record per consuming component (http, exolve, sip, rtp, elevenLabs, proxy, tools,
 * webhooks, recording), with {@code describe()} for display. {@link io.voiceagent.config.Secret} masks
 * credentials wherever they are printed; {@link io.voiceagent.config.AddressBlock} is an address or
 * CIDR block parsed from literals, so loading never waits on DNS. The known variables are the names a
 * build reads ({@code ConfigLoader.knownVariables()}); unknown keys get warnings naming the closest one.
 * {@link io.voiceagent.config.ApiEndpoint} is the part a client of the running service needs.
 * {@link io.voiceagent.config.HoldSound} is TRANSFER_HOLD_SOUND's WAV file, read and checked at load.
 *
 * <p>Threads: loaded by the command line ({@code cli.Cli}) on the main thread before anything starts
 * ({@code demo.DemoNetwork} derives the demo copy with {@code withDemoNetwork}); afterwards only
 * immutable values are shared, read from any thread. No locks (the known names are built once, by the
 * JVM's class initialisation).
 *
 * <p>Depends on no other package of the service; every other package may depend on it.
 */
package io.voiceagent.config;
