/**
 * The public HTTP API on the JDK's {@code com.sun.net.httpserver}: {@link io.voiceagent.api.HttpApi}
 * binds HTTP_HOST:HTTP_PORT and puts every request through one gate (token, route, method, body
 * size, content type) before a {@code Route}'s handler runs. Routes by resource: {@code CallRoutes}
 * ({@code /api/calls/...}), {@code EventRoutes} ({@code /api/events}, Server-Sent Events),
 * {@code OperationsRoutes} ({@code /health}, {@code /metrics} via {@code PrometheusText}),
 * {@code ExolveWebhook} (Exolve's call events, guarded by their own secret), {@code DebugRoutes}
 * ({@code /debug/...} through {@link io.voiceagent.api.DebugOperations}, which {@code app} implements)
 * and {@code UiRoutes} (the dashboard and the OpenAPI document). Input is validated here
 * ({@code StartCallBody}, {@code PhoneNumbers}); errors are {@code ApiException}s with stable codes.
 *
 * <p>Threads: one virtual thread per exchange ({@code http-N}); handlers may block. An open event
 * stream keeps its exchange's thread, waiting in {@code call.CallEvents} for the next batch.
 *
 * <p>Locks: only {@code HttpApi}'s lifecycle lock (start, port, close), a leaf; a handler holds no
 * lock of this package while it calls into {@code call}, whose lock order is in its package-info.
 *
 * <p>Depends on {@code call} ({@code CallService} and the records and events it hands out), {@code config},
 * {@code ui} (the files it serves) and {@code exolve} (for {@code ExolveEvent} only); only {@code app} uses it.
 */
package io.voiceagent.api;
