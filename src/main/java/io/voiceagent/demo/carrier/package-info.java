/**
 * The demo network's carrier, playing Exolve for the service on loopback UDP: an independent
 * implementation of the carrier's side of SIP, so the service's real SIP and RTP code is exercised
 * against something it does not share code with. {@link io.voiceagent.demo.carrier.DemoCarrier}
 * is the registrar ({@code Registrar}, {@code DigestAuth}) and proxy (transactions, retransmissions
 * until ACK, {@code SdpNegotiation}), holding one {@code CarrierCall} per call; what a dialled number
 * does is in {@link io.voiceagent.demo.carrier.DemoNumbers}. Each answered call gets a
 * {@link io.voiceagent.demo.carrier.SimulatedPhone}: an RTP endpoint on its own port whose
 * {@code CallerScript} waits for the greeting, speaks its phrase and hangs up after the goodbye.
 * Its own {@code SipMessage}, {@code G711} and {@code RtpHeader} are deliberate: the service's output
 * is checked with code the service does not use.
 *
 * <p>Threads: one virtual thread reads the SIP socket, one platform thread runs the SIP timers; for
 * all phones together one platform thread sends RTP in 1 ms slots ({@code PacingClock}) and one reads
 * it with a selector ({@code RtpReceiver}); the {@link io.voiceagent.demo.carrier.RtpProbe} runs on
 * those two. A phone's hang-up leaves the pacing thread for a virtual thread of its own.
 *
 * <p>Locks, in nesting order: the carrier's lock (all SIP handling and timer tasks, which end
 * phones and call the phone-ended listener under it), then the {@code Registrar}'s lock. Each
 * phone's recording lock is a leaf taken on the receive thread and by readers. The pacing and
 * receive threads never take the carrier's lock. Depends only on {@code config} (for {@code Secret}).
 */
package io.voiceagent.demo.carrier;
