/**
 * Our SIP user agent over UDP (RFC 3261), written on plain JDK sockets.
 *
 * <p>Wiring: {@code new UdpSipUserAgent(config.sip(), SipTimers.rfc3261(), Clock.systemUTC(), new SplittableRandom())},
 * then {@code start()}; {@code close()} unregisters. Calls go through {@link io.voiceagent.sip.SipUserAgent#dial};
 * inbound INVITEs from the registrar go to the {@link io.voiceagent.sip.InboundCallHandler}.
 *
 * <p>Threading: one virtual thread blocks on the socket; everything else (parsed messages, timers,
 * dial and hangup) runs on one serial executor, so the transaction and dialog state is confined to
 * it and each call's events come out in order. Tests drive the same classes with a fake scheduler.
 * With SIP_STUN_SERVER, the reading thread hands STUN answers (first byte 0..3, RFC 7983) straight
 * to the {@link io.voiceagent.stun.StunClient}, whose retransmissions run on the serial executor.
 *
 * <p>Where each rule lives, by RFC concept: {@code SipMessage}/{@code SipHeaders}/{@code SipParser}
 * (§7, §18.3, RFC 4475), {@code Via} (§18.2.1, RFC 3581 rport), {@code DigestAuth} and
 * {@code DigestCredentials} (§22, RFC 2617, RFC 7616), {@code ClientInviteTransaction},
 * {@code ClientNonInviteTransaction} and {@code ServerTransaction} (§17), {@code Registration} (§10),
 * {@code Dialog} (§12, matching in-dialog requests by Call-ID and both tags), {@code CallSession}
 * (§13-15, INFO DTMF received and sent with {@code DtmfRelay}, delayed offer, REFER sent and the
 * NOTIFYs of its implicit subscription answered, RFC 3515, their {@code message/sipfrag} read by
 * {@code ReferProgress};
 * {@code SipRequestException} for an in-dialog request of ours that fails), {@code OptionTags}
 * (§8.2.2.3 Require/Supported, 420),
 * {@code PrackSender} (RFC 3262 100rel), {@code SessionTimer} and {@code SessionRefresher}
 * (RFC 4028: the negotiated terms; our refreshes and their retries), {@code TrustedPeers}
 * (who may send us requests: SIP_SERVER's addresses and SIP_TRUSTED_PEERS),
 * {@code SessionDescription} (RFC 4566, RFC 3264), {@code SdpEndpoint} (which address and port the SDP
 * offers behind NAT), {@code AdvertisedAddress} (RFC 1918/6598: when the carrier cannot reach us),
 * {@code PhoneNumbers} (what people type as a number, to the E.164 digits we dial),
 * {@code FailureCause} (what a final response to our INVITE means, classified in one place).
 *
 * <p>Logs: a dialog knows the call that owns it (the id given to {@code dial}, or an inbound leg's
 * {@code Acceptance}) and every line about it starts {@code call=<id> <Call-ID>:}, where the log
 * formatter takes the call from.
 *
 * <p>Randomness (tags, branches, cnonces, the 491 retry pause) and time come in through the
 * constructor and {@code SipStack}. The only locks are the user agent's lifecycle lock, its
 * random-generator lock and the message log's lock; none is taken while another is held.
 */
package io.voiceagent.sip;
