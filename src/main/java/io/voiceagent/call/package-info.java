/**
 * Calls: each call's state machine ({@code LiveCall}), admission and idempotent starts
 * ({@code CallManager}, {@code IdempotentStarts}), the records ({@code CallRecord}) and how a call ended
 * ({@code CallEnding}: a final {@code CallStatus}, an {@code EndCause} and an {@code EndedBy}, enums whose
 * wire names are written out; {@code CallEnding}'s factories turn SIP failures and agent endings into
 * one), the journal that
 * keeps them in DATA_DIR ({@code CallRepository}, {@code CallJournal}, {@code JournalLines},
 * {@code JournalScan}) and the event stream fed by every save ({@code CallEvents}). The journal's
 * machinery also keeps other records in files of their own ({@code JournalKind}), each with a writer
 * thread of its own: package {@code campaigns} keeps its campaigns and contacts with it, in
 * {@code campaigns.jsonl} ({@code campaign-journal}), and package {@code webhooks} its outbox, in
 * {@code webhooks.jsonl} ({@code webhook-outbox}).
 *
 * <p>Records: a call's first record is written whole and forced to disk before the call is placed; a
 * start that cannot be recorded is refused ({@code STORAGE_UNAVAILABLE}, HTTP 503) and nothing is dialed.
 * Every later change is a delta line with only what changed. A failing journal keeps the changes of live
 * calls in memory, in order (each call's queued changes merged into one once over a thousand lines are
 * queued), and writes them once the disk takes them again; it never leaves a torn line
 * under a new one. Unreadable lines found at start go to {@code calls.jsonl.corrupt-<time>}.
 *
 * <p>Threads: a call's events arrive on the SIP stack's serial executor (dialog events), the agent
 * conversation's socket reader (agent events, one at a time), the media engine's pacing clock and RTP
 * receiver (caller audio, DTMF, first packet), its callback threads (media and hold timeouts, drain
 * actions), the HTTP server's threads (start, hangup, webhooks) and the call timers. The journal has one
 * writer thread of its own ({@code call-journal}), which also compacts; only a start waits for it (group
 * commit, one fsync for everything queued together). Every saved record, a call's first included, is
 * handed to the save listeners ({@code CallEvents}; the app adds the recordings and the webhooks) on the
 * saving thread. Exolve requests run on short virtual threads.
 *
 * <p>Metrics ({@code metrics.ServiceMetrics}): {@code CallManager} counts a call started once its first
 * record is written and ended at the one place a call reaches its final state (by status and cause, with
 * its talk time); {@code LiveCall} times the stages where they happen (ringing, answer, the agent's
 * conversation ready) and counts DTMF digits received. The gauges (live calls by status, registration,
 * journal) are read when scraped, on the HTTP thread, which holds nothing while it reads each live
 * call's status under that call's lock.
 *
 * <p>Locks, in the order they may nest (never the other way round):
 * <ol>
 *   <li>{@code CallManager.admission}: held while admitting a call (it reserves the idempotency key,
 *       {@code IdempotentStarts.lock}, inside it) and while counting ended ones; no call's lock is taken
 *       under it, and a live call's snapshot is never read under it (an ending call reports to the manager
 *       after leaving its own lock);</li>
 *   <li>{@code LiveCall.lock}: a call's transitions and record. Held only for short, non-blocking work:
 *       state checks, record updates, handing audio to the media queue. Never held while ending a call
 *       ({@code end} tears down SIP, the conversation and media outside it, since closing media waits
 *       for the RTP receiver thread) nor while pointing media at an SDP that may end the call;</li>
 *   <li>{@code CallRepository.order}, taken under a call's lock when its record is saved, and inside it
 *       {@code IdempotentStarts.lock} and the journal's queue lock;</li>
 *   <li>{@code WebhookDispatcher.lock}, then {@code WebhookOutbox.lock} and inside it the outbox journal's
 *       queue lock (package {@code webhooks}): taken by the save listeners after {@code order} is
 *       released, under a call's lock for every save but a call's first (written before the call is
 *       placed, under no call's lock); the event's line is only queued there (the outbox's writer thread
 *       forces it), so no disk write, fsync or HTTP request happens under a call's lock;</li>
 *   <li>leaves, each held for a few field updates: the media session's locks ({@code downlinkLock},
 *       {@code uplinkLock}, the agent-audio queue's), the conversation's and its send queue's locks, and
 *       {@code CallEvents.lock} (the {@code /api/events} buffer, taken under a call's lock after a save and
 *       by the call timers' media sample; readers of the stream wait on it holding nothing else).</li>
 * </ol>
 * Media threads (the pacing clock, the RTP receiver) never take a call's lock: DTMF goes through a
 * serial executor on a virtual thread, the first-packet flag is atomic, caller audio reads a volatile
 * conversation and only queues a send. The agent's reader takes the call's lock for transcripts and
 * endings, never for audio or interruptions, which go straight to the media queue. Tool calls
 * other than end_call go to the call's {@code tools.PhoneTools}, which only starts them; their
 * outcome is recorded (taking the call's lock) from the media callback thread or the SIP executor.
 * A transfer to a person ({@code transfer.CallTransfer}) takes no call lock of its own under the
 * call's: the call hands it its ending outside its lock, and while a transfer rings or is bridged the
 * caller's audio goes (from the media thread, through a volatile field) to the ringback's sink or the
 * person's leg instead of the agent; a bridged call ends with status {@code completed}, cause
 * {@code transferred}, whoever hangs up. In Exolve HTTP mode the person's leg is placed by
 * {@code ExolvePersonLegs} (the transfer's {@code PersonDialer}): MakeCall, then its inbound INVITE
 * matched by {@code CallManager.onInvite} among the pending legs ({@code AwaitedLeg}, calls' and person
 * legs' alike), and Exolve's webhooks for its call id kept on the call's record ({@code "leg": "person"},
 * under the call's lock) and handed to the leg, which takes only its own leaf lock.
 * With AMD=local, {@code MachineDetection} runs on the media thread that delivers caller audio
 * (its lock is a leaf); its verdict is acted on through the same serial executor as DTMF.
 */
package io.voiceagent.call;
