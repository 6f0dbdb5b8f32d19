package io.voiceagent.media;

/** 16-bit little-endian PCM, the byte order of ElevenLabs' {@code pcm_*} formats. */
final class Pcm16 {

    private Pcm16() {
    }

    static byte[] toLittleEndian(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }
}
