/**
 * The public HTTP API on the JDK's {@code com.sun.net.httpserver}: {@link io.voiceagent.api.HttpApi}
 * binds HTTP_HOST:HTTP_PORT and puts every request through one gate (token, route, method, body size,
 * content type) before a {@code Route}'s handler runs. Routes by resource: {@code CallRoutes}
 * ({@code /api/calls/...}, a call's record with its webhook deliveries and recording),
 * {@code RecordingRoutes} ({@code /api/calls/{id}/recording}, the WAV with byte ranges),
 * {@code EventRoutes} ({@code /api/events}, Server-Sent Events), {@code OperationsRoutes}
 * ({@code /health}, and {@code /metrics}: the text of {@code metrics.ServiceMetrics}), {@code CampaignRoutes}
 * ({@code /api/campaigns/...} and {@code /api/dnc}, the contacts checked by {@code CampaignBody} as call
 * starts are, CSV read and written by {@code Csv}), {@code ExolveWebhook} (Exolve's call
 * events, guarded by their own secret), {@code DebugRoutes} ({@code /debug/...} through
 * {@link io.voiceagent.api.DebugOperations}, which {@code app} implements) and {@code UiRoutes} (the
 * dashboard and the OpenAPI document). Input is validated here ({@code StartCallBody},
 * {@code io.voiceagent.sip.PhoneNumbers}, shared with transfer targets); errors are {@code ApiException}s with stable codes.
 *
 * <p>Starts: {@code POST /api/calls/start} takes an optional {@code Idempotency-Key} (1 to 128 visible
 * ASCII characters); the same key within 24 hours answers 200 with the first call's record, the same key
 * with another body 422 {@code idempotency_key_reused}. Metadata and dynamic variables are capped at
 * 16 KiB of JSON each (413). A start the journal cannot record is 503 {@code storage_unavailable}, and
 * {@code /health} is 503 with {@code "journal": "failing"} and the error while that lasts.
 *
 * <p>Threads: one virtual thread per exchange ({@code http-N}); handlers may block. An open event
 * stream keeps its exchange's thread, waiting in {@code call.CallEvents} for the next batch.
 *
 * <p>Logging is left to the formatter in {@code app.Logging}, which escapes whatever a request carried.
 *
 * <p>Locks: only {@code HttpApi}'s lifecycle lock (start, port, close), a leaf; a handler holds no
 * lock of this package while it calls into {@code call}, whose lock order is in its package-info.
 *
 * <p>A call start to a number on the do-not-call list ({@code campaigns.DoNotCallList}) is 403
 * {@code do_not_call}. Campaign bodies may be CSV and up to 32 MiB (a route's own limit, {@code Route}).
 *
 * <p>Depends on {@code call} ({@code CallService} and the records and events it hands out), {@code campaigns}
 * ({@code Campaigns}, {@code DoNotCallList}), {@code config},
 * {@code ui} (the files it serves), {@code exolve} (for {@code ExolveEvent} only), {@code webhooks}
 * ({@code DeliveryLog}: deliveries), {@code metrics} (what {@code /metrics} serves) and {@code recordings} ({@code RecordingLibrary}); only
 * {@code app} uses it.
 */
package io.voiceagent.api;
