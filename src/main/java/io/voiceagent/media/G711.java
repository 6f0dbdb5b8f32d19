package io.voiceagent.media;

/**
 * ITU-T G.711 companding: μ-law (PCMU, payload type 0) and A-law (PCMA, payload type 8), with
 * direct A-law↔μ-law tables so a PCMA line can be bridged to a {@code ulaw_8000} agent per byte.
 * Linear samples are 16-bit; G.711 carries 14 (μ-law) or 13 (A-law) significant bits of them.
 */
public final class G711 {

    /** The μ-law code of a zero sample (positive zero). */
    public static final byte ULAW_SILENCE = (byte) 0xFF;
    /** The A-law code of the smallest positive sample (A-law has no exact zero). */
    public static final byte ALAW_SILENCE = (byte) 0xD5;

    private static final int ULAW_BIAS = 0x84;
    private static final int ULAW_CLIP = 32635;

    /*
     * G.711 Tables 3 and 4: the μ-law↔A-law conversions are defined by the standard itself, code by
     * code (they are not "decode then re-encode", which differs on many codes). Each is indexed by
     * the magnitude number of the source code (0 = smallest) and keeps the sign. The μ-law→A-law
     * values count A-law magnitudes from 1 as the standard prints them; the A-law→μ-law values count
     * μ-law magnitudes from 0, where μ-law 0 is its exact zero level.
     */
    private static final short[] ULAW_TO_ALAW_MAGNITUDE = {
            1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
            9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 27, 29, 31, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
            46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62,
            64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
            81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96,
            97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112,
            113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128
    };
    private static final short[] ALAW_TO_ULAW_MAGNITUDE = {
            1, 3, 5, 7, 9, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31, 32, 32, 33, 33, 34, 34, 35, 35,
            36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 48, 49, 49,
            50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 64,
            65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 79,
            80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
            96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
            112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127
    };

    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];
    private static final byte[] ULAW_TO_ALAW = new byte[256];
    private static final byte[] ALAW_TO_ULAW = new byte[256];

    static {
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = (short) decodeUlawArithmetic(code);
            ALAW_TO_LINEAR[code] = (short) decodeAlawArithmetic(code);
        }
        for (int code = 0; code < 256; code++) {
            ULAW_TO_ALAW[code] = ulawToAlawByTable(code);
            ALAW_TO_ULAW[code] = alawToUlawByTable(code);
        }
    }

    private G711() {
    }

    public static byte linearToUlaw(int sample) {
        int magnitude = Math.min(Math.abs(clamp16(sample)), ULAW_CLIP) + ULAW_BIAS;
        int sign = sample < 0 ? 0x80 : 0;
        int exponent = 31 - Integer.numberOfLeadingZeros(magnitude >> 7);
        if (exponent < 0) {
            exponent = 0;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    public static short ulawToLinear(byte code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    public static byte linearToAlaw(int sample) {
        int value = clamp16(sample) >> 3;
        int mask;
        if (value >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            value = -value - 1;
        }
        // Segment = position of the highest set bit above the 5 low bits (0 for values below 32).
        int segment = Math.max(0, 32 - Integer.numberOfLeadingZeros(value >> 5));
        if (segment >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int quantised = segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
        return (byte) (((segment << 4) | quantised) ^ mask);
    }

    public static short alawToLinear(byte code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    public static byte ulawToAlaw(byte code) {
        return ULAW_TO_ALAW[code & 0xFF];
    }

    public static byte alawToUlaw(byte code) {
        return ALAW_TO_ULAW[code & 0xFF];
    }

    /** Transcodes a whole payload into a new array. */
    public static byte[] ulawToAlaw(byte[] ulaw) {
        byte[] out = new byte[ulaw.length];
        for (int i = 0; i < ulaw.length; i++) {
            out[i] = ULAW_TO_ALAW[ulaw[i] & 0xFF];
        }
        return out;
    }

    /** Transcodes a whole payload into a new array. */
    public static byte[] alawToUlaw(byte[] alaw) {
        byte[] out = new byte[alaw.length];
        for (int i = 0; i < alaw.length; i++) {
            out[i] = ALAW_TO_ULAW[alaw[i] & 0xFF];
        }
        return out;
    }

    /*
     * A μ-law code is stored inverted (0xFF is +0, 0x7F is -0) and an A-law code with even bits
     * flipped (0xD5 is the smallest positive step, 0x55 the smallest negative one); magnitude
     * numbers count up from those.
     */
    private static byte ulawToAlawByTable(int ulaw) {
        boolean positive = (ulaw & 0x80) != 0;
        int magnitudeIndex = (~ulaw) & 0x7F;
        int alawMagnitude = ULAW_TO_ALAW_MAGNITUDE[magnitudeIndex] - 1;
        return (byte) (alawMagnitude ^ (positive ? 0xD5 : 0x55));
    }

    private static byte alawToUlawByTable(int alaw) {
        boolean positive = (alaw & 0x80) != 0;
        int magnitudeIndex = (alaw ^ (positive ? 0xD5 : 0x55)) & 0x7F;
        int ulawMagnitude = ALAW_TO_ULAW_MAGNITUDE[magnitudeIndex];
        return (byte) ((~ulawMagnitude & 0x7F) | (positive ? 0x80 : 0));
    }

    private static int decodeUlawArithmetic(int code) {
        int inverted = ~code & 0xFF;
        int exponent = (inverted >> 4) & 0x07;
        int mantissa = inverted & 0x0F;
        int magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
        return (inverted & 0x80) != 0 ? -magnitude : magnitude;
    }

    private static int decodeAlawArithmetic(int code) {
        int value = code ^ 0x55;
        int segment = (value & 0x70) >> 4;
        int magnitude = (value & 0x0F) << 4;
        magnitude += segment == 0 ? 8 : 0x108;
        if (segment > 1) {
            magnitude <<= segment - 1;
        }
        return (value & 0x80) != 0 ? magnitude : -magnitude;
    }

    private static int clamp16(int sample) {
        return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
    }
}
