package io.voiceagent.demo.carrier;

import java.nio.ByteBuffer;

/**
 * Sees every RTP packet a simulated phone sends and receives, with its monotonic time: the load
 * benchmark measures latency and pacing with it. Called on the phones' pacing and receive threads,
 * so it must be quick and must not block.
 */
public interface RtpProbe {

    RtpProbe NONE = new RtpProbe() {
        @Override
        public void sent(SimulatedPhone phone, byte[] payload, long nanos) {
        }

        @Override
        public void received(SimulatedPhone phone, int sequence, long timestamp, ByteBuffer payload, long nanos) {
        }
    };

    /** The phone sent a packet with this payload (the array is reused afterwards). */
    void sent(SimulatedPhone phone, byte[] payload, long nanos);

    /** The phone received a packet; {@code payload} holds just its payload, positioned at its start. */
    void received(SimulatedPhone phone, int sequence, long timestamp, ByteBuffer payload, long nanos);
}
