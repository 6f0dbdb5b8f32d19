/**
 * Calls: each call's state machine ({@code LiveCall}), admission and idempotent starts
 * ({@code CallManager}, {@code IdempotentStarts}), the records ({@code CallRecord}) and the journal that
 * keeps them in DATA_DIR ({@code CallRepository}, {@code CallJournal}, {@code JournalLines},
 * {@code JournalScan}).
 *
 * <p>Records: a call's first record is written whole and forced to disk before the call is placed; a
 * start that cannot be recorded is refused ({@code STORAGE_UNAVAILABLE}, HTTP 503) and nothing is dialed.
 * Every later change is a delta line with only what changed. A failing journal keeps the changes of live
 * calls in memory, in order, and writes them once the disk takes them again; it never leaves a torn line
 * under a new one. Unreadable lines found at start go to {@code calls.jsonl.corrupt-<time>}.
 *
 * <p>Threads: a call's events arrive on the SIP executor, the RTP selector, the agent's WebSocket threads,
 * timer threads and HTTP request threads; {@code LiveCall} serialises them under its lock. The journal has
 * one writer thread of its own ({@code call-journal}), which also compacts; only a start waits for it
 * (group commit, one fsync for everything queued together). Exolve requests run on short virtual threads.
 *
 * <p>Locks, in the order they nest (never the other way):
 * {@code CallManager.admission} → {@code IdempotentStarts.lock};
 * {@code LiveCall.lock} → {@code CallManager.admission} (a call that ends leaves the live set);
 * {@code LiveCall.lock} → {@code CallRepository.order} → {@code IdempotentStarts.lock} and
 * {@code CallJournal.lock}. {@code CallManager} therefore never reads a live call's snapshot while holding
 * {@code admission}.
 */
package io.voiceagent.call;
