package io.voiceagent.media;

import java.util.Objects;

/**
 * The audio figures kept on a call record. Jitter is RFC 3550 interarrival jitter in milliseconds.
 * Fractional figures are rounded where they are made, to what a person reads and the measurement
 * supports: milliseconds to 0.01, fractions to 0.001.
 *
 * @param rejected RTP packets dropped, by reason
 * @param farEnd   what the far end's RTCP reports say about our stream
 */
public record MediaStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long lost,
                         double jitterMs, long aiAudioSentMs, long aiAudioReceivedMs, Rejected rejected,
                         FarEndReport farEnd) {

    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, 0, Rejected.NONE, FarEndReport.NONE);

    public MediaStats {
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(farEnd, "farEnd");
        jitterMs = FarEndReport.rounded(jitterMs, 100);
    }

    /**
     * RTP packets dropped on arrival: from a source that may not be adopted ({@code foreign_source}),
     * from one that is being learned ({@code learning}), or not RTP at all ({@code malformed}).
     */
    public record Rejected(long foreignSource, long learning, long malformed) {
        public static final Rejected NONE = new Rejected(0, 0, 0);
    }

    /**
     * From the far end's RTCP receiver reports (RFC 3550 section 6.4): NaN while unknown (no RTCP
     * from the far end, or no report echoing one of our SRs for the round trip).
     *
     * @param fractionLost of our packets in its last report interval, 0..1
     * @param lost         our packets it counts as lost since the start
     * @param jitterMs     the interarrival jitter it measures on our stream
     */
    public record FarEndReport(double roundTripMs, double fractionLost, long lost, double jitterMs) {
        public static final FarEndReport NONE = new FarEndReport(Double.NaN, Double.NaN, 0, Double.NaN);

        public FarEndReport {
            roundTripMs = rounded(roundTripMs, 100);
            fractionLost = rounded(fractionLost, 1000);
            jitterMs = rounded(jitterMs, 100);
        }

        /**
         * {@code value} to the nearest {@code 1/scale}; NaN and infinities as they are. Here, not in
         * the outer record, whose NONE needs this record's NONE: a session's first {@code FarEndReport}
         * would otherwise start the outer record's initialisation while its own is under way.
         */
        static double rounded(double value, int scale) {
            return Double.isFinite(value) ? Math.round(value * scale) / (double) scale : value;
        }
    }
}
