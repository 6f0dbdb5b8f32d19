package io.voiceagent.media;

/**
 * Agent audio from its output format to μ-law at 8 kHz, the form it waits in before pacing (where a
 * PCMA line gets it by table lookup per packet: the line codec may not be known yet while the
 * greeting arrives during ringing). {@code ulaw_8000} passes untouched. PCM input may split a
 * sample across chunks; the odd byte is kept for the next one. Not thread-safe: the caller serialises.
 */
final class DownlinkConverter {

    private final AgentAudioFormat format;
    private final Resampler resampler;
    private int pendingByte = -1;

    DownlinkConverter(AgentAudioFormat format, Resampler.Filter filter) {
        this.format = format;
        this.resampler = format.isPcm() && format.sampleRate() != LineCodec.SAMPLE_RATE ? new Resampler(filter) : null;
    }

    byte[] convert(byte[] agentAudio) {
        if (!format.isPcm()) {
            return agentAudio;
        }
        int start = 0;
        int total = agentAudio.length + (pendingByte >= 0 ? 1 : 0);
        short[] samples = new short[total / 2];
        int s = 0;
        if (pendingByte >= 0 && agentAudio.length > 0) {
            samples[s++] = (short) (pendingByte | agentAudio[0] << 8);
            start = 1;
            pendingByte = -1;
        }
        for (int i = start; i + 1 < agentAudio.length; i += 2) {
            samples[s++] = (short) ((agentAudio[i] & 0xFF) | agentAudio[i + 1] << 8);
        }
        if ((agentAudio.length - start) % 2 == 1) {
            pendingByte = agentAudio[agentAudio.length - 1] & 0xFF;
        }
        if (resampler != null) {
            samples = resampler.process(samples, 0, s);
            s = samples.length;
        }
        byte[] out = new byte[s];
        for (int i = 0; i < s; i++) {
            out[i] = G711.linearToUlaw(samples[i]);
        }
        return out;
    }

    /** Drops the filter's memory and any split sample, as after a barge-in. */
    void reset() {
        pendingByte = -1;
        if (resampler != null) {
            resampler.reset();
        }
    }
}
