/**
 * RTP and RTCP on the wire and the per-stream arithmetic of RFC 3550, with no sockets and no
 * threads of their own: {@code RtpPacket} (§5.1), {@code RtcpPacket} (§6.4-6.6: SR, RR, SDES CNAME,
 * BYE), {@code RtpSequence} (appendix A.1, A.3), {@code InterarrivalJitter} (A.8),
 * {@code TelephoneEvent}, {@code DtmfSender} and {@code DtmfReceiver} (RFC 4733), and
 * {@code RtpPortPool}, which binds each call's RTP/RTCP port pair, drawn at random from the range.
 *
 * <p>Threads: values are immutable; the stateful classes are not thread-safe and are owned by one
 * thread or guarded by their user ({@code media.RtpMediaSession}); {@code RtpPortPool} has one lock.
 */
package io.voiceagent.rtp;
