package io.voiceagent.demo.carrier;

/**
 * G.711 mu-law and A-law (ITU-T G.711): the phone's own codec, so that the carrier checks the
 * service's audio independently of the service's codec code.
 */
final class G711 {

    enum Law {
        MU_LAW, A_LAW;

        /** The byte a silent sample encodes to. */
        byte silence() {
            return this == MU_LAW ? (byte) 0xFF : (byte) 0xD5;
        }

        short decode(byte encoded) {
            return this == MU_LAW ? MU_TO_LINEAR[encoded & 0xFF] : A_TO_LINEAR[encoded & 0xFF];
        }
    }

    private static final short[] MU_TO_LINEAR = new short[256];
    private static final short[] A_TO_LINEAR = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            MU_TO_LINEAR[i] = muLawToLinear(i);
            A_TO_LINEAR[i] = aLawToLinear(i);
        }
    }

    private G711() {
    }

    /** Re-encodes a mu-law byte in A-law, for a phrase recorded in mu-law on a PCMA call. */
    static byte muLawToALaw(byte muLaw) {
        return linearToALaw(MU_TO_LINEAR[muLaw & 0xFF]);
    }

    private static short muLawToLinear(int encoded) {
        int u = ~encoded & 0xFF;
        int t = ((u & 0x0F) << 3) + 0x84;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    private static short aLawToLinear(int encoded) {
        int a = encoded ^ 0x55;
        int t = (a & 0x0F) << 4;
        int segment = (a & 0x70) >> 4;
        if (segment == 0) {
            t += 8;
        } else {
            t = (t + 0x108) << (segment - 1);
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }

    static byte linearToALaw(int pcm) {
        int sign = pcm >= 0 ? 0x80 : 0x00;
        int magnitude = Math.min(pcm >= 0 ? pcm : -pcm - 1, 32767) >> 3;
        int encoded;
        if (magnitude < 32) {
            encoded = magnitude >> 1;
        } else {
            int segment = 1;
            while (segment < 7 && magnitude >= (64 << (segment - 1))) {
                segment++;
            }
            encoded = (segment << 4) | ((magnitude >> segment) & 0x0F);
        }
        return (byte) ((encoded | sign) ^ 0x55);
    }
}
