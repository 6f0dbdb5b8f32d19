package io.voiceagent.media;

import io.voiceagent.metrics.Counter;
import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.ServiceMetrics;

/**
 * The service-wide counts every session adds to as packets come and go, looked up once per engine so
 * that the receive and pacing threads only add to a {@code LongAdder} per packet.
 */
final class RtpCounters {
    final Counter.Child packetsIn;
    final Counter.Child packetsOut;
    final Counter.Child bytesIn;
    final Counter.Child bytesOut;
    final Counter.Child lost;
    final Counter.Child foreignSource;
    final Counter.Child learning;
    final Counter.Child malformed;
    final Counter.Child farEndLost;
    final Histogram greetingDelay;

    RtpCounters(ServiceMetrics metrics) {
        packetsIn = metrics.rtpPackets.labels("in");
        packetsOut = metrics.rtpPackets.labels("out");
        bytesIn = metrics.rtpBytes.labels("in");
        bytesOut = metrics.rtpBytes.labels("out");
        lost = metrics.rtpLost.labels();
        foreignSource = metrics.rtpRejected.labels("foreign_source");
        learning = metrics.rtpRejected.labels("learning");
        malformed = metrics.rtpRejected.labels("malformed");
        farEndLost = metrics.rtpFarEndLost.labels();
        greetingDelay = metrics.greetingDelay;
    }
}
