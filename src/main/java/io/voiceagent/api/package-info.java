/**
 * The HTTP API on the JDK's {@code com.sun.net.httpserver}: {@code /api/calls/...} ({@code CallRoutes}),
 * {@code /health} and {@code /metrics} ({@code OperationsRoutes}), Exolve's webhook ({@code ExolveWebhook})
 * and {@code /debug/...} ({@code DebugRoutes}), all behind one gate in {@code HttpApi} (token, route, method,
 * body size, content type) and one error shape ({@code {"error": code, "message": text}}).
 *
 * <p>Starts: {@code POST /api/calls/start} takes an optional {@code Idempotency-Key} (1 to 128 visible
 * ASCII characters); the same key within 24 hours answers 200 with the first call's record, the same key
 * with another body 422 {@code idempotency_key_reused}. Metadata and dynamic variables are capped at
 * 16 KiB of JSON each (413). A start the journal cannot record is 503 {@code storage_unavailable}, and
 * {@code /health} is 503 with {@code "journal": "failing"} and the error while that lasts.
 *
 * <p>Threads: one virtual thread per exchange; the routes hold no state of their own and take no locks
 * (the call layer does). Logging is left to the formatter in {@code app.Logging}, which escapes whatever
 * a request carried.
 */
package io.voiceagent.api;
