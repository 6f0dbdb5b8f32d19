/**
 * MTS Exolve's HTTP API, used when USE_EXOLVE_HTTP is set: {@link io.voiceagent.exolve.ExolveApi}
 * (place a call, hang up, check the credentials) and its implementation
 * {@link io.voiceagent.exolve.ExolveHttpApi} (Bearer auth, timeouts, two retries with backoff, failures
 * as {@link io.voiceagent.exolve.ExolveException} with a wire cause such as {@code provider_auth});
 * {@code ExolveCallMethods} is the one place that knows each method's path and JSON fields.
 * {@link io.voiceagent.exolve.ExolveEvent} is one webhook event, a sealed type by Exolve's {@code type}
 * ({@code Started}, {@code Answered}, {@code Ended}, {@code RecordingReady}, and {@code Unknown} for any
 * other, which is logged and ignored); {@code ExolveEvent.parse} is the one place that reads a webhook's
 * fields, called by {@code api.ExolveWebhook}.
 * The call's audio does not pass here: it arrives as an inbound INVITE to the SIP user agent.
 *
 * <p>Threads: none of its own. Requests block their caller, which is a virtual thread started by
 * {@code call} for each MakeCall and hang-up (a call's, or a transfer's person leg's) (or an HTTP thread for {@code /debug} checks); retry
 * pauses sleep on that thread through the injected {@code Pause}. No state is shared, so no locks.
 *
 * <p>Depends on {@code config} and {@code net} (every request goes through
 * {@code net.OutboundConnections}, so through SOCKS5 when configured); used by {@code call}, by
 * {@code api} for {@code ExolveEvent} only, and built by {@code app}.
 */
package io.voiceagent.exolve;
