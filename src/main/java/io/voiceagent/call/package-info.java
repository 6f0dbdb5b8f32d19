/**
 * Calls: the state machine of one call ({@code LiveCall}), admission and the live calls
 * ({@code CallManager}), the immutable records ({@code CallRecord}) and their journal.
 *
 * <p>Threads: a call's events arrive on the SIP stack's serial executor (dialog events), the agent
 * conversation's socket reader (agent events, one at a time), the media engine's pacing clock and RTP
 * receiver (caller audio, DTMF, first packet), its callback threads (media timeout, drain actions),
 * the HTTP server's threads (start, hangup, webhooks) and the call timers.
 *
 * <p>Locks, in the order they may nest (never the other way round):
 * <ol>
 *   <li>{@code CallManager.admission}: held while admitting a call and counting ended ones; no call's
 *       lock is taken under it (an ending call reports to the manager after leaving its own lock);</li>
 *   <li>{@code LiveCall.lock}: a call's transitions and record. Held only for short, non-blocking work:
 *       state checks, record updates, handing audio to the media queue. Never held while ending a call
 *       ({@code end} tears down SIP, the conversation and media outside it, since closing media waits
 *       for the RTP receiver thread) nor while pointing media at an SDP that may end the call;</li>
 *   <li>the media session's locks ({@code downlinkLock}, {@code uplinkLock}, the agent-audio queue's) and
 *       the conversation's and its send queue's locks: leaves, each held for a few field updates.</li>
 *   <li>{@code CallEvents.lock} (the {@code /api/events} buffer): a leaf, taken under a call's lock when
 *       its record is saved and by the call timers' media sample; readers of the stream wait on it
 *       holding nothing else.</li>
 *   <li>{@code WebhookDispatcher.lock}, then {@code WebhookOutbox.lock} (package {@code webhooks}):
 *       taken under a call's lock when its record is saved (the event is queued and written to the
 *       outbox there); no HTTP request is made under either.</li>
 * </ol>
 * Media threads (the pacing clock, the RTP receiver) never take a call's lock: DTMF goes through a
 * serial executor on a virtual thread, the first-packet flag is atomic, caller audio reads a volatile
 * conversation and only queues a send. The agent's reader takes the call's lock for transcripts and
 * endings, never for audio or interruptions, which go straight to the media queue.
 */
package io.voiceagent.call;
