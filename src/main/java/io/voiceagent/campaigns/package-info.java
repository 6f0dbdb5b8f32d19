/**
 * Campaigns: lists of contacts called through {@code call.CallService} within each campaign's limits
 * ({@link io.voiceagent.campaigns.CampaignSettings}: live calls, calls per second, the
 * {@link io.voiceagent.campaigns.CallingWindow}, the {@link io.voiceagent.campaigns.RetryPolicy} per
 * {@link io.voiceagent.campaigns.Outcome}, a stop time), the do-not-call list
 * ({@link io.voiceagent.campaigns.DoNotCallList}, also checked by the API's call starts) and the campaigns'
 * journal ({@code CampaignJournal}, {@code DATA_DIR/campaigns.jsonl}, written by the call journal's machinery
 * through {@code call.JournalKind}). {@link io.voiceagent.campaigns.Campaigns} is the service; the API
 * validates the input (contacts as call starts, settings) before it gets here.
 *
 * <p>Durable: a campaign and all its contacts are forced to disk before its creation is answered, and each
 * attempt before its call is placed, with the idempotency key {@code <campaign>/<contact>/<attempt>}. After a
 * restart a running campaign resumes; an attempt that was being placed or live is placed again with its key,
 * which answers with the call if it had been placed (ended as failed, {@code service_restart}, when it was
 * live: a failed attempt) and places it if not, so no attempt is dialed twice. A campaign's
 * {@code campaign.completed} is journaled as queued ({@code completion_queued}) once the listener has taken
 * it; a final campaign found without that after a restart has it queued by the first round.
 *
 * <p>Time: the {@link io.voiceagent.campaigns.CallingWindow} may cross midnight (it then belongs to the day it
 * opens on), and the status's {@code estimated_finish_at} spreads what is left over the window's coming
 * openings at the rate per open minute so far. All of it reads the clock given to {@code Campaigns}.
 *
 * <p>Threads: one platform thread, {@code campaign-scheduler}, runs {@code Campaigns.tick} every 250 ms while
 * calls are live (else when the next call is due, at most a second apart): it reads live calls' outcomes
 * with {@code CallService.find}, schedules retries and places due calls with {@code CallService.start}. The
 * API's threads create, list, pause, resume and cancel. The journal has its writer thread
 * ({@code campaign-journal}). The metrics ({@code Campaigns.reportTo}) are counted on the scraping
 * thread, under the lock, one pass over the contacts per gauge.
 *
 * <p>Locks: {@code Campaigns.lock} guards all campaigns' state; it is never held while a call is placed,
 * looked up or hung up, nor while waiting for the disk. Inside it only leaves are taken: the journal's queue
 * lock, {@code DoNotCallList.lock}, and whatever the {@link io.voiceagent.campaigns.CampaignListener} takes
 * to queue {@code campaign.completed} (the webhook dispatcher's and outbox's locks). No lock of package
 * {@code call} is held when this package's lock is taken.
 *
 * <p>Depends on {@code call} only; {@code api} and {@code app} use it.
 */
package io.voiceagent.campaigns;
