package io.voiceagent.bench;

import io.voiceagent.media.G711;

import java.util.OptionalInt;

/**
 * Numbers 20 ms frames of G.711 audio so that a frame can be recognised at the far end of the
 * bridge and matched with the moment it was sent. The frame index is written as base-8 digits into
 * the first samples, each digit a loud positive level four μ-law steps from the next, followed by a
 * check digit; the rest of the frame is a loud square wave, so the frame counts as speech. The
 * levels are far enough apart to survive μ-law↔A-law conversion, so the number is read back from
 * linear samples whatever codec the frame crossed.
 */
public final class FrameMarker {

    static final int FRAME_BYTES = 160;
    /** Frame indices must be below this: five base-8 digits. */
    static final int MAX_INDEX = 1 << 15;

    private static final int DIGITS = 5;
    private static final int LOWEST_LEVEL = 99; // μ-law magnitude number of digit 0; digit 7 is 127
    private static final int LEVEL_STEP = 4;
    private static final int[] MAGIC = {7, 0, 5};
    private static final int MARKED = MAGIC.length + DIGITS + 1;
    private static final int FILLER_LEVEL = 100;
    private static final double[] LOG_LEVELS = new double[8];
    /** The digit each code stands for, or -1: looked up per byte, since every phone frame is read. */
    private static final byte[] ULAW_DIGITS = new byte[256];
    private static final byte[] ALAW_DIGITS = new byte[256];

    static {
        for (int digit = 0; digit < 8; digit++) {
            LOG_LEVELS[digit] = Math.log(G711.ulawToLinear(positiveUlaw(LOWEST_LEVEL + LEVEL_STEP * digit)));
        }
        for (int code = 0; code < 256; code++) {
            ULAW_DIGITS[code] = (byte) digitOf(G711.ulawToLinear((byte) code));
            ALAW_DIGITS[code] = (byte) digitOf(G711.alawToLinear((byte) code));
        }
    }

    private FrameMarker() {
    }

    /** A μ-law frame that carries {@code index}. */
    static byte[] ulawFrame(int index) {
        if (index < 0 || index >= MAX_INDEX) {
            throw new IllegalArgumentException("frame index out of range: " + index);
        }
        byte[] frame = new byte[FRAME_BYTES];
        int position = 0;
        for (int digit : MAGIC) {
            frame[position++] = digitCode(digit);
        }
        int check = 0;
        for (int i = DIGITS - 1; i >= 0; i--) {
            int digit = (index >> (3 * i)) & 7;
            check += digit;
            frame[position++] = digitCode(digit);
        }
        frame[position++] = digitCode(check & 7);
        for (; position < FRAME_BYTES; position++) {
            frame[position] = position % 2 == 0 ? positiveUlaw(FILLER_LEVEL) : negativeUlaw(FILLER_LEVEL);
        }
        return frame;
    }

    /** {@code count} consecutive frames numbered from {@code first}, as one μ-law recording. */
    public static byte[] ulawRecording(int first, int count) {
        byte[] audio = new byte[count * FRAME_BYTES];
        for (int i = 0; i < count; i++) {
            System.arraycopy(ulawFrame(first + i), 0, audio, i * FRAME_BYTES, FRAME_BYTES);
        }
        return audio;
    }

    /** The index carried by the frame at {@code offset} of G.711 audio in {@code law}, if it carries one. */
    static OptionalInt read(byte[] audio, int offset, boolean aLaw) {
        if (offset < 0 || audio.length - offset < MARKED) {
            return OptionalInt.empty();
        }
        byte[] table = aLaw ? ALAW_DIGITS : ULAW_DIGITS;
        int[] digits = new int[MARKED];
        for (int i = 0; i < MARKED; i++) {
            int digit = table[audio[offset + i] & 0xFF];
            if (digit < 0) {
                return OptionalInt.empty();
            }
            digits[i] = digit;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (digits[i] != MAGIC[i]) {
                return OptionalInt.empty();
            }
        }
        int index = 0;
        int check = 0;
        for (int i = 0; i < DIGITS; i++) {
            int digit = digits[MAGIC.length + i];
            index = index << 3 | digit;
            check += digit;
        }
        return (check & 7) == digits[MARKED - 1] ? OptionalInt.of(index) : OptionalInt.empty();
    }

    /** The digit whose level is nearest to {@code sample}, or -1 when the sample is no digit level. */
    private static int digitOf(int sample) {
        if (sample <= 0) {
            return -1;
        }
        double log = Math.log(sample);
        int best = 0;
        for (int digit = 1; digit < 8; digit++) {
            if (Math.abs(log - LOG_LEVELS[digit]) < Math.abs(log - LOG_LEVELS[best])) {
                best = digit;
            }
        }
        // Within 15% of the level: a G.711 step up here is under 7%, the next level about 25% away.
        return Math.abs(log - LOG_LEVELS[best]) < 0.15 ? best : -1;
    }

    private static byte digitCode(int digit) {
        return positiveUlaw(LOWEST_LEVEL + LEVEL_STEP * digit);
    }

    /** μ-law code of magnitude number {@code magnitude} (0 silent .. 127 loudest), positive sign. */
    private static byte positiveUlaw(int magnitude) {
        return (byte) (0xFF ^ magnitude);
    }

    private static byte negativeUlaw(int magnitude) {
        return (byte) (0x7F ^ magnitude);
    }
}
