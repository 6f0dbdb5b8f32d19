/**
 * Signed call-event webhooks: {@code call.ringing}, {@code call.answered}, {@code call.transfer} (one per
 * transfer attempt with an outcome, its id naming the attempt) and
 * {@code call.ended} POSTed to CALLBACK_URL or a call's {@code callback_url}, and {@code campaign.completed}
 * (handed over by the campaigns' scheduler under its lock, which is taken before this package's locks),
 * signed with CALLBACK_SECRET
 * ({@link io.voiceagent.webhooks.WebhookSignature}), at least once and in order per call, kept in a
 * durable outbox ({@code DATA_DIR/webhooks.jsonl}, a journal of {@code call.CallJournal}'s kind) until
 * delivered or given up.
 *
 * <p>Threads: {@link io.voiceagent.webhooks.WebhookDispatcher#onSaved} runs on the thread that saved
 * a call record and only queues the event's line, never waiting for the disk; the outbox's writer thread
 * ({@code webhook-outbox}) forces the lines queued together with one fsync; one virtual thread runs the
 * delivery loop; each attempt runs on a virtual thread of its own, is the only one for its call at a time,
 * and first waits until its event's line is forced. Lock order: LiveCall.lock, then WebhookDispatcher's
 * lock, then WebhookOutbox's lock, then the outbox journal's queue lock; no lock is held during an HTTP
 * request or while waiting for the disk. Attempts are counted by result in {@code metrics.ServiceMetrics}
 * as they finish; the pending gauge takes WebhookDispatcher's lock when scraped. Depends on {@code call}
 * (records, the journal's machinery), {@code metrics} and {@code net} (the outbound HTTP client, through
 * the proxy).
 *
 * <p>What survives what: an event is sent only once its line is on disk, so a restart never forgets an
 * event a receiver has seen, and a stop writes every queued line first. A crash can lose the events made
 * in its last moments: the call's record line (written by the call journal's writer) and the event's line
 * (written by the outbox's, after the save that made it) are in two files written by two threads, so
 * neither order is guaranteed on disk. A call live at the crash still gets its {@code call.ended} at the
 * next start (cause {@code service_restart}); one that ended within that window (about a millisecond, the
 * time until the outbox's next group commit) can keep its ended record and lose its {@code call.ended}.
 * The design before this one, which forced each event inside the save, had the same window (the record's
 * line is queued before the listeners run), only shorter.
 */
package io.voiceagent.webhooks;
