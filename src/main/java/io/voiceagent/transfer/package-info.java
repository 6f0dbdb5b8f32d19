/**
 * Transfers to a person: one {@code CallTransfer} per call, started by the agent's {@code transfer_call}
 * client tool or {@code transfer_to_number} system tool (through {@code tools.PhoneTools}) or by an
 * operator ({@code POST /api/calls/{id}/transfer}), acting on the call only through
 * {@code TransferableCall}, which the call implements.
 *
 * <p>TRANSFER_MODE=bridge: the person is dialled as a second leg ({@code PersonLeg}) the way the service
 * places its calls ({@code PersonDialer}): an INVITE through the same SIP user agent and trunk, or in
 * Exolve HTTP mode a MakeCall whose audio leg arrives as an inbound INVITE (package {@code call} implements
 * that dialer, since it matches inbound INVITEs and Exolve's webhooks to calls, and hands the leg's
 * events over as SIP events). Either way the leg has a media session from the same engine, so it is
 * paced, latched, jitter-buffered and transcoded like any call. The caller hears {@code Ringback} (425 Hz, 1 s on,
 * 4 s off, or TRANSFER_HOLD_SOUND looped) once the agent's queued audio has played. When the person answers, the tool gets its
 * result, the agent's conversation is closed, and each leg's caller audio is queued as the other
 * leg's "agent audio" (the person leg's formats mirror the agent's), until either leg ends, which
 * ends the other (cause {@code transferred}). Busy, no answer within TRANSFER_RING_TIMEOUT_S or a
 * failure gives the caller back to the agent, with a {@code contextual_update} saying why.
 * {@code SdpMedia} maps a far end's SDP onto a media session for both legs.
 *
 * <p>The record's {@code transfer} ({@code TransferSummary}, outcomes {@code TransferOutcome}) shows
 * the latest attempt: target, mode, who asked, start, answer, outcome, reason, and once the call has
 * ended the agent's and the person's seconds. Each attempt is counted once, as it settles, in
 * {@code voiceagent_transfers_total} (mode, outcome).
 *
 * <p>Threads: a transfer starts on the conversation's reader or an HTTP thread and returns at once;
 * the person's SIP events arrive on the SIP executor (in Exolve HTTP mode a failure before any INVITE
 * comes on the MakeCall's virtual thread or the webhook's HTTP thread), the ring timeout on the call manager's timers,
 * the person's audio on the media threads (which only queue it on the customer's session, no lock
 * but the media leaves). Locks: {@code CallTransfer.lock} guards its own fields; it is never taken
 * under a call's lock, and the only things done under it are starting the ringback (media leaf
 * locks) and diverting the caller's audio (a volatile field of the call). The call calls
 * {@code onCallEnded} outside its lock when it ends, which hangs the person's leg up.
 */
package io.voiceagent.transfer;
