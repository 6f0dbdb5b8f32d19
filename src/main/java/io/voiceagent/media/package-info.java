/**
 * Call audio between the phone (RTP, G.711) and the agent: one {@link io.voiceagent.media.MediaSession}
 * per call, opened by the {@link io.voiceagent.media.MediaEngine} that owns what calls share (the
 * RTP/RTCP port pool, the pacing clock, the receive thread, resampling filters, callback threads).
 *
 * <p>Where each rule lives: {@code RtpSourceLatch} (which source may talk into a call and where our
 * RTP goes: strict latching, symmetric RTP, RFC 4961), {@code RtcpSession} (RFC 3550 §6 reports,
 * round trip, BYE), {@code JitterBuffer} (reordering, loss concealment), {@code Pacer} (one 20 ms
 * clock for every call), {@code AgentAudioQueue} (agent audio waiting to be sent, backpressure),
 * {@code G711}, {@code Resampler}, {@code UplinkConverter}/{@code DownlinkConverter} (formats),
 * {@code AnsweringMachineDetector} (AMD: energy and cadence of the callee's first seconds);
 * {@code RtpMediaSession} joins them for one call, including hold (RFC 3264 §8.4), DTMF (RFC 4733,
 * wire format in {@code io.voiceagent.rtp}) and the silence fill that keeps the agent's input going.
 *
 * <p>Threads: one platform thread ({@code rtp-receiver}) receives every call's RTP and RTCP with one
 * selector and says how far it has caught up (looking again every 10 ms when idle): the pacing thread
 * counts a caller's silence and the jitter buffer's wait up to there, not up to its own now, since it
 * runs first after any stall while packets still wait in their sockets; one pacing thread ({@code rtp-pacer}, under {@code SCHED_FIFO} where the system permits)
 * runs every session's {@code onTick} (send RTP, send RTCP when due,
 * expire jitter-buffered audio, check the media and hold timeouts); the call's own threads connect,
 * answer, queue agent audio and close; listener callbacks that may block (timeouts, queue drained)
 * run on virtual threads of the engine. Neither the receive nor the pacing thread may block: an
 * {@code AudioTap} (a recording) set on a session is handed each answered 20 ms on those threads
 * (the caller's under {@code uplinkLock}, what was sent on the pacing thread) and only copies it.
 *
 * <p>Metrics: the sessions add every packet in and out (and its bytes), every reject by reason, every
 * packet given up as lost by the jitter buffer and the far ends' reported loss to the service-wide
 * counters ({@code RtpCounters}, looked up once per engine: a {@code LongAdder} add per packet on the
 * receive and pacing threads, no lock), and time the first agent audio sent after the answer.
 *
 * <p>Locks in a session: {@code downlinkLock} (DTMF sender, downlink converter), {@code uplinkLock}
 * (sequence, jitter, jitter buffer, uplink converter), the {@code AgentAudioQueue}'s,
 * {@code RtpSourceLatch}'s and {@code RtcpSession}'s own locks. None of them is taken while another
 * is held. Caller audio reaches the listener with {@code uplinkLock} held, so a listener must not call
 * back into the session's uplink, and whatever it locks comes after {@code uplinkLock}.
 *
 * <p>The pacing thread, real-time where permitted, must not wait for a thread of the normal policy
 * preempted with a lock held (a priority inversion: measured at 500 calls on 2 busy cores, waits of
 * 12–26 ms on {@code uplinkLock} for the RTCP figures, each a skipped tick for every call). So it
 * only {@code tryLock}s {@code uplinkLock} (to expire audio and for the RTCP figures, which then go a
 * tick later) and {@code RtcpSession}'s lock, takes {@code downlinkLock} only while DTMF digits are
 * queued, reads the {@code Pacer}'s slots without its membership lock, and hands a recording its
 * frames without one. It still takes the {@code AgentAudioQueue}'s and {@code RtpSourceLatch}'s locks
 * (held by others for a copy, no call-outs) and, feeding the agent silence while the phone sends
 * nothing, the agent connection's send lock.
 */
package io.voiceagent.media;
