package io.voiceagent.rtp;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Plans RFC 4733 telephone-events for outgoing digits, one packet per 20 ms tick: each digit lasts
 * {@value #TONE_TICKS} ticks (the first with the marker bit, durations growing by one tick), its
 * end packet is sent three times, then {@value #GAP_TICKS} ticks of ordinary audio separate digits.
 * Not thread-safe: the caller serialises access.
 */
public final class DtmfSender {

    public static final int TONE_TICKS = 5;
    public static final int GAP_TICKS = 3;
    private static final int END_REPEATS = 3;
    private static final int VOLUME = 10;

    /** What to send on a tick: an event packet, or nothing (send audio as usual). */
    public record Step(TelephoneEvent event, boolean marker, long eventTimestamp) {
    }

    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
    private int currentEvent = -1;
    private long eventTimestamp;
    private int tick;

    /** Queues digits; returns false (queuing nothing) when one of them is not a DTMF digit. */
    public boolean enqueue(String digits) {
        for (int i = 0; i < digits.length(); i++) {
            if (TelephoneEvent.eventOf(digits.charAt(i)) < 0) {
                return false;
            }
        }
        for (int i = 0; i < digits.length(); i++) {
            pending.add(TelephoneEvent.eventOf(digits.charAt(i)));
        }
        return true;
    }

    public boolean idle() {
        return currentEvent < 0 && pending.isEmpty();
    }

    /**
     * The packet for the tick whose audio timestamp is {@code timestamp}, with {@code samplesPerTick}
     * timestamp units per tick; empty when this tick carries audio.
     */
    public Optional<Step> next(long timestamp, int samplesPerTick) {
        if (currentEvent < 0) {
            if (pending.isEmpty()) {
                return Optional.empty();
            }
            currentEvent = pending.poll();
            eventTimestamp = timestamp;
            tick = 0;
        }
        int current = tick++;
        if (current < TONE_TICKS + END_REPEATS - 1) {
            boolean end = current >= TONE_TICKS - 1;
            int duration = Math.min(current + 1, TONE_TICKS) * samplesPerTick;
            return Optional.of(new Step(new TelephoneEvent(currentEvent, end, VOLUME, duration), current == 0,
                    eventTimestamp));
        }
        if (current >= TONE_TICKS + END_REPEATS - 1 + GAP_TICKS - 1) {
            currentEvent = -1;
        }
        return Optional.empty();
    }
}
