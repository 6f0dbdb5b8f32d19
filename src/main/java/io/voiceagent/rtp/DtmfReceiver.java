package io.voiceagent.rtp;

import java.util.Optional;

/**
 * Turns RFC 4733 telephone-event packets into key presses, each counted once. Packets of one event
 * share its RTP timestamp; the event ends with (usually three) packets carrying the end bit. A digit
 * is reported on the first end packet; if every end packet of an event is lost, it is reported
 * when the next event starts. Not thread-safe: one receiving thread owns it.
 */
public final class DtmfReceiver {

    private boolean tracking;
    private long currentTimestamp;
    private int currentEvent;
    private boolean currentReported;

    /** Returns the digits (zero, one or two) this packet completes. */
    public String onPacket(long rtpTimestamp, TelephoneEvent event) {
        StringBuilder completed = new StringBuilder(2);
        if (!tracking || rtpTimestamp != currentTimestamp) {
            if (tracking && !currentReported) {
                digitOf(currentEvent).ifPresent(completed::append);
            }
            tracking = true;
            currentTimestamp = rtpTimestamp;
            currentEvent = event.event();
            currentReported = false;
        }
        if (event.end() && !currentReported) {
            currentReported = true;
            digitOf(currentEvent).ifPresent(completed::append);
        }
        return completed.toString();
    }

    private static Optional<Character> digitOf(int event) {
        return new TelephoneEvent(event, false, 0, 0).digit();
    }
}
