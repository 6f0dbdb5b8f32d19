package io.voiceagent.media;

/**
 * Caller audio from the line codec to the agent's input format. {@code ulaw_8000} on a PCMU line
 * passes through untouched; on a PCMA line it is a per-byte table lookup; PCM formats are decoded
 * and resampled. Not thread-safe: the call's receive path owns it.
 */
final class UplinkConverter {

    private final LineCodec line;
    private final AgentAudioFormat format;
    private final Resampler resampler;

    UplinkConverter(LineCodec line, AgentAudioFormat format, Resampler.Filter filter) {
        this.line = line;
        this.format = format;
        this.resampler = format.isPcm() && format.sampleRate() != LineCodec.SAMPLE_RATE ? new Resampler(filter) : null;
    }

    boolean matches(LineCodec line, AgentAudioFormat format) {
        return this.line == line && this.format == format;
    }

    /** Converts one chunk; the input array is returned as is when no conversion is needed. */
    byte[] convert(byte[] lineAudio) {
        if (!format.isPcm()) {
            return line == LineCodec.PCMU ? lineAudio : G711.alawToUlaw(lineAudio);
        }
        short[] samples = new short[lineAudio.length];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = line.decode(lineAudio[i]);
        }
        if (resampler != null) {
            samples = resampler.process(samples);
        }
        return Pcm16.toLittleEndian(samples);
    }
}
