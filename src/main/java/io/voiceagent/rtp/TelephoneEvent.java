package io.voiceagent.rtp;

import java.util.Optional;

/**
 * The payload of an RFC 4733 telephone-event packet: event code, end bit, volume (dBm0 below zero)
 * and duration in timestamp units since the event's RTP timestamp.
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {

    public static final int LENGTH = 4;
    private static final String DTMF_DIGITS = "0123456789*#ABCD";

    public TelephoneEvent {
        if (event < 0 || event > 255 || volume < 0 || volume > 63 || duration < 0 || duration > 0xFFFF) {
            throw new IllegalArgumentException("telephone-event field out of range");
        }
    }

    /** Empty when the payload is shorter than an event (RFC 4733 section 2.3). */
    public static Optional<TelephoneEvent> parse(byte[] payload) {
        if (payload.length < LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new TelephoneEvent(payload[0] & 0xFF, (payload[1] & 0x80) != 0, payload[1] & 0x3F,
                (payload[2] & 0xFF) << 8 | (payload[3] & 0xFF)));
    }

    public void writeTo(byte[] out, int offset) {
        out[offset] = (byte) event;
        out[offset + 1] = (byte) ((end ? 0x80 : 0) | volume);
        out[offset + 2] = (byte) (duration >> 8);
        out[offset + 3] = (byte) duration;
    }

    /** The DTMF digit of events 0..15 (RFC 4733 section 3.2). */
    public Optional<Character> digit() {
        return event < DTMF_DIGITS.length() ? Optional.of(DTMF_DIGITS.charAt(event)) : Optional.empty();
    }

    /** The event code of a DTMF digit, or -1 when the character is not one. */
    public static int eventOf(char digit) {
        return DTMF_DIGITS.indexOf(Character.toUpperCase(digit));
    }
}
