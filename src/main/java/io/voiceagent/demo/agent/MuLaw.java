package io.voiceagent.demo.agent;

/** G.711 mu-law expansion (ITU-T G.711 table 2), enough for the fake to measure and convert what it hears. */
final class MuLaw {
    private static final int BIAS = 0x84;

    private MuLaw() {
    }

    /** Expands one mu-law byte to a 16-bit linear sample (range -32124..32124). */
    static short decode(byte encoded) {
        int u = ~encoded & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int magnitude = (((u & 0x0F) << 3) + BIAS) << exponent;
        return (short) ((u & 0x80) != 0 ? BIAS - magnitude : magnitude - BIAS);
    }
}
