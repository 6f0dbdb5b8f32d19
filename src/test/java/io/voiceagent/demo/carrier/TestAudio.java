package io.voiceagent.demo.carrier;

import java.util.Arrays;

/** Test audio in G.711 mu-law: a loud vowel-like tone where speech is wanted, 0xFF for silence. */
final class TestAudio {

    private TestAudio() {
    }

    /** {@code millis} of a 440 Hz tone at about -12 dBFS, mu-law encoded (ITU-T G.711). */
    static byte[] speechLike(int millis) {
        byte[] out = new byte[millis * 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = muLaw((int) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        return out;
    }

    static byte[] silence(int millis) {
        byte[] out = new byte[millis * 8];
        Arrays.fill(out, (byte) 0xFF);
        return out;
    }

    static byte muLaw(int pcm) {
        int sign = pcm < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(pcm), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** ITU-T G.711 A-law of a 16-bit sample. */
    static byte aLaw(int pcm) {
        int sign = pcm >= 0 ? 0x80 : 0;
        int magnitude = Math.min(pcm >= 0 ? pcm : -pcm, 32767) >> 3;
        int exponent = 0;
        while (exponent < 7 && magnitude >= (32 << exponent)) {
            exponent++;
        }
        int mantissa = exponent == 0 ? magnitude >> 1 : (magnitude >> exponent) & 0x0F;
        return (byte) ((sign | (exponent << 4) | mantissa) ^ 0x55);
    }

    /** The A-law tone of {@link #speechLike}. */
    static byte[] speechLikeALaw(int millis) {
        byte[] out = new byte[millis * 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = aLaw((int) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        return out;
    }

    /** Mean absolute amplitude of A-law bytes: exponent segments are enough to tell speech from silence. */
    static double aLawLoudness(byte[] payload) {
        double sum = 0;
        for (byte b : payload) {
            int a = (b ^ 0x55) & 0x7F;
            int exponent = a >> 4;
            int mantissa = a & 0x0F;
            sum += exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        }
        return sum / payload.length;
    }
}
