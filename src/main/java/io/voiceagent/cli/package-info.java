/**
 * The {@code voiceagent} command line: {@link io.voiceagent.cli.Cli} parses the subcommand
 * ({@code Command}, with its help text) and either hands the loaded configuration to the
 * {@link io.voiceagent.cli.ServiceRunner} ({@code start}, {@code demo}; {@code app.Application} in
 * production), prints it ({@code config}, with the NAT advice of {@code sip.AdvertisedAddress}), runs
 * the load benchmark ({@code bench.Benchmark}), or talks to the running service over its public HTTP
 * API through {@code ServiceClient} ({@code call}, {@code calls}, {@code hangup}). {@code CallFollower}
 * follows one call on {@code /api/events}, resuming a dropped stream with {@code Last-Event-ID};
 * {@code CallsTable} renders records. Exit codes: 0 ok, 1 run-time failure, 2 usage or configuration.
 *
 * <p>Threads: everything runs on the process's main thread, blocking on the JDK {@code HttpClient}
 * (whose own threads read the responses); no locks. The variables come through a
 * {@link io.voiceagent.cli.ConfigSource}, so tests pass maps instead of the environment and
 * {@code .env}; {@code start}, {@code demo} and {@code config} validate them all (warning about
 * unknown keys), the client commands only {@code config.ApiEndpoint}'s three, or take
 * {@code --url}/{@code --token}.
 *
 * <p>Depends on {@code config}, and on {@code sip} (one static check) and {@code bench} for the two
 * commands above; never on {@code api}'s classes: it speaks to the service only over HTTP. Used by
 * {@code app.Main}.
 */
package io.voiceagent.cli;
