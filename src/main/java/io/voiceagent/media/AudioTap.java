package io.voiceagent.media;

/**
 * Receives a call's audio once it is answered, 20 ms at a time: what the phone said (as the agent
 * was given it) and what the phone was sent (as it heard it). Called on the media threads (the RTP
 * receiver and the pacing clock), so it must never block: it copies what it keeps before it returns
 * or drops it. The arrays stay the caller's, to be reused at once. Calls of {@link #fromPhone} come
 * one at a time (the session makes them under its uplink lock), and so do calls of {@link #toPhone}
 * (the pacing thread); a call of one may overlap a call of the other.
 */
public interface AudioTap {
    /**
     * A frame from the phone (160 samples at 20 ms), G.711 μ-law ({@code alaw} false) or A-law; null
     * for a missing or silent frame. {@code nanos}: when the session handled it, on the monotonic clock
     * the media threads share (the receive thread's reading when it woke for the packet, or the
     * pacing clock's tick that gave up waiting for it), to order it against what was sent.
     */
    void fromPhone(byte[] g711, boolean alaw, long nanos);

    /**
     * The 160 μ-law samples sent to the phone this tick, from {@code offset}; null when only silence
     * (or DTMF) was sent. {@code nanos}: the tick's deadline on the same clock.
     */
    void toPhone(byte[] ulaw, int offset, long nanos);
}
