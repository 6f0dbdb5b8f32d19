/**
 * The process and its wiring: {@link io.voiceagent.app.Main} (JVM properties, then the command line
 * {@code cli.Cli}), {@link io.voiceagent.app.Application} (run the service in the foreground until
 * SIGTERM/SIGINT, then shut down cleanly), {@link io.voiceagent.app.Module} (the one hand-rolled
 * dependency injection: the one {@code metrics.ServiceMetrics} every component counts into, outbound connections, the agent and Exolve clients, the SIP user agent, the
 * media engine, the journal, the recordings (tapping the media sessions), the call manager, the webhook
 * dispatcher (it, the recordings and {@code CallEvents} listen to the call manager's saves), the
 * campaigns (on the call manager, with the do-not-call list, the recording notice and the webhook
 * dispatcher's {@code campaign.completed}; closed first on shutdown, so that none starts a call while live
 * ones are hung up), the HTTP API, and in demo mode the {@code demo.DemoNetwork} first; closed in reverse order after live calls
 * are drained) and {@link io.voiceagent.app.Logging} (one line per event on stderr, secrets masked).
 *
 * <p>Threads: the main thread builds the {@code Module}, prints the banner and waits for a signal (JVM
 * signal handlers only count down a latch), then closes everything. {@code Module} creates the
 * {@code call-timers} platform thread (call timers, the once-a-second media sample for
 * {@code /api/events}, the daily deletion of expired recordings); every other thread belongs to the
 * component that started it. Log lines are formatted on whichever thread logs. {@code Module} takes no
 * lock; it is built and closed on the main thread.
 *
 * <p>The only package that may depend on all the others (including {@code demo}); none depends on it.
 */
package io.voiceagent.app;
