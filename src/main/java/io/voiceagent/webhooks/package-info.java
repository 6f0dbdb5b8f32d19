/**
 * Signed call-event webhooks: {@code call.ringing}, {@code call.answered}, {@code call.transfer} (one per
 * transfer attempt with an outcome, its id naming the attempt) and
 * {@code call.ended} POSTed to CALLBACK_URL or a call's {@code callback_url}, and {@code campaign.completed}
 * (handed over by the campaigns' scheduler under its lock, which is taken before this package's locks),
 * signed with CALLBACK_SECRET
 * ({@link io.voiceagent.webhooks.WebhookSignature}), at least once and in order per call, kept in a
 * durable outbox ({@code DATA_DIR/webhooks.jsonl}) until delivered or given up.
 *
 * <p>Threads: {@link io.voiceagent.webhooks.WebhookDispatcher#onSaved} runs on the thread that saved
 * a call record; one virtual thread runs the delivery loop; each attempt runs on a virtual thread of
 * its own and is the only one for its call at a time. Lock order: LiveCall.lock, then
 * WebhookDispatcher's lock, then WebhookOutbox's lock; no lock is held during an HTTP request.
 * Attempts are counted by result in {@code metrics.ServiceMetrics} as they finish; the pending gauge
 * takes WebhookDispatcher's lock when scraped. Depends on {@code call} (records), {@code metrics} and
 * {@code net} (the outbound HTTP client, through the proxy).
 */
package io.voiceagent.webhooks;
