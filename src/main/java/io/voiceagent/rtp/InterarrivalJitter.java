package io.voiceagent.rtp;

/**
 * RFC 3550 appendix A.8: the running estimate of interarrival jitter, in timestamp units, from each
 * packet's RTP timestamp and its arrival time. Not thread-safe: one receiving thread owns it.
 */
public final class InterarrivalJitter {

    private final int clockRate;
    private boolean started;
    private long previousTransit;
    private double jitter;

    public InterarrivalJitter(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
    }

    public void update(long rtpTimestamp, long arrivalNanos) {
        long arrival = Math.floorDiv(arrivalNanos, 1_000_000_000L / clockRate);
        // Differences are taken modulo 2^32 so that timestamp wrap-around does not look like jitter.
        long transit = (arrival - rtpTimestamp) & 0xFFFF_FFFFL;
        if (started) {
            int d = (int) (transit - previousTransit);
            jitter += (Math.abs(d) - jitter) / 16.0;
        }
        previousTransit = transit;
        started = true;
    }

    /** Jitter in timestamp units, as an RTCP receiver report carries it. */
    public double jitterUnits() {
        return jitter;
    }

    public double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }
}
