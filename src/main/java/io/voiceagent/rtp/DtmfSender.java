package io.voiceagent.rtp;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Plans RFC 4733 telephone-events for outgoing digits, one packet per 20 ms tick: each digit lasts
 * {@value #TONE_TICKS} ticks (the first with the marker bit, durations growing by one tick), its
 * end packet is sent three times, then {@value #GAP_TICKS} ticks of ordinary audio separate digits.
 * A {@code w} in the digits is {@value #SHORT_PAUSE_TICKS} ticks of audio (0.5 s), a {@code W}
 * {@value #LONG_PAUSE_TICKS} (1 s), as in ElevenLabs' {@code play_keypad_touch_tone}.
 * Not thread-safe: the caller serialises access.
 */
public final class DtmfSender {

    public static final int TONE_TICKS = 5;
    public static final int GAP_TICKS = 3;
    public static final int SHORT_PAUSE_TICKS = 25;
    public static final int LONG_PAUSE_TICKS = 50;
    private static final int END_REPEATS = 3;
    private static final int VOLUME = 10;
    private static final int PAUSE = -1;
    private static final Runnable NOTHING = () -> { };

    /** What to send on a tick: an event packet, or nothing (send audio as usual). */
    public record Step(TelephoneEvent event, boolean marker, long eventTimestamp) {
    }

    /** One digit (an RFC 4733 event code) or a pause of {@code ticks}; {@code whenSent} runs after its last packet. */
    private record Item(int event, int ticks, Runnable whenSent) {
    }

    private final ArrayDeque<Item> pending = new ArrayDeque<>();
    private Item current;
    private long eventTimestamp;
    private int tick;

    /** Whether {@code digits} is one or more of 0-9, *, #, A-D, w and W. */
    public static boolean valid(String digits) {
        if (digits.isEmpty()) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c != 'w' && c != 'W' && TelephoneEvent.eventOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Queues digits and pauses; {@code whenSent} runs inside {@link #next} on the tick that sends the
     * last one's final packet, so it must not block. Returns false (queuing nothing) for anything else.
     */
    public boolean enqueue(String digits, Runnable whenSent) {
        if (!valid(digits)) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            Runnable done = i == digits.length() - 1 ? whenSent : NOTHING;
            pending.add(switch (c) {
                case 'w' -> new Item(PAUSE, SHORT_PAUSE_TICKS, done);
                case 'W' -> new Item(PAUSE, LONG_PAUSE_TICKS, done);
                default -> new Item(TelephoneEvent.eventOf(c), TONE_TICKS + END_REPEATS - 1 + GAP_TICKS, done);
            });
        }
        return true;
    }

    public boolean idle() {
        return current == null && pending.isEmpty();
    }

    /**
     * The packet for the tick whose audio timestamp is {@code timestamp}, with {@code samplesPerTick}
     * timestamp units per tick; empty when this tick carries audio.
     */
    public Optional<Step> next(long timestamp, int samplesPerTick) {
        if (current == null) {
            if (pending.isEmpty()) {
                return Optional.empty();
            }
            current = pending.poll();
            eventTimestamp = timestamp;
            tick = 0;
        }
        Item item = current;
        int now = tick++;
        if (now >= item.ticks() - 1) {
            current = null;
        }
        if (item.event() == PAUSE) {
            if (now == item.ticks() - 1) {
                item.whenSent().run();
            }
            return Optional.empty();
        }
        int lastEndPacket = TONE_TICKS + END_REPEATS - 2;
        if (now > lastEndPacket) {
            return Optional.empty();
        }
        if (now == lastEndPacket) {
            item.whenSent().run();
        }
        boolean end = now >= TONE_TICKS - 1;
        int duration = Math.min(now + 1, TONE_TICKS) * samplesPerTick;
        return Optional.of(new Step(new TelephoneEvent(item.event(), end, VOLUME, duration), now == 0, eventTimestamp));
    }
}
