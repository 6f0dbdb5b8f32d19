/**
 * STUN (RFC 5389) Binding requests, enough to learn the address and port a NAT maps one of our UDP
 * sockets to: {@link io.voiceagent.stun.StunMessage} is the wire format, {@link io.voiceagent.stun.StunClient}
 * the client transaction (retransmission, matching by transaction id, timeout).
 *
 * <p>No socket of its own: the SIP user agent and each call's RTP session send through their own
 * socket, so the mapping learned is the one their traffic gets, and hand back every datagram whose
 * first bytes say STUN (RFC 7983 §7: first byte 0..3; RFC 5389 §6: magic cookie 0x2112A442).
 * Threads: {@link io.voiceagent.stun.StunClient#offer} runs on the socket's receive thread, the
 * retransmissions on the scheduler the owner passes in, {@code bind} on any thread; the pending
 * transactions are a concurrent map and each completes once, so no lock is held across a send.
 */
package io.voiceagent.stun;
