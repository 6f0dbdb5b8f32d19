package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-call converters between the line's G.711 and the agent's formats. */
class FormatConversionTest {

    @Test
    void muLawAgentAudioPassesUntouched() {
        byte[] audio = {1, 2, 3};
        assertThat(new DownlinkConverter(AgentAudioFormat.ULAW_8000, Resampler.design(8000, 8000)).convert(audio))
                .isSameAs(audio);
        assertThat(new UplinkConverter(LineCodec.PCMU, AgentAudioFormat.ULAW_8000, Resampler.design(8000, 8000))
                .convert(audio)).isSameAs(audio);
    }

    @Test
    void pcmSplitAcrossChunksAtAnOddByteIsReassembled() {
        short[] samples = {1000, -2000, 3000, -4000, 5000};
        byte[] pcm = Pcm16.toLittleEndian(samples);
        DownlinkConverter whole = new DownlinkConverter(AgentAudioFormat.PCM_8000, Resampler.design(8000, 8000));
        DownlinkConverter split = new DownlinkConverter(AgentAudioFormat.PCM_8000, Resampler.design(8000, 8000));
        byte[] expected = whole.convert(pcm);
        byte[] first = split.convert(java.util.Arrays.copyOfRange(pcm, 0, 3));
        byte[] second = split.convert(java.util.Arrays.copyOfRange(pcm, 3, pcm.length));
        assertThat(first).hasSize(1);
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        assertThat(joined).isEqualTo(expected);
        for (int i = 0; i < samples.length; i++) {
            assertThat(expected[i]).isEqualTo(G711.linearToUlaw(samples[i]));
        }
    }

    @Test
    void aLawCallerAudioReachesAPcmAgentAsLittleEndianSamples() {
        byte[] alaw = {G711.linearToAlaw(1000), G711.linearToAlaw(-1000)};
        byte[] pcm = new UplinkConverter(LineCodec.PCMA, AgentAudioFormat.PCM_8000, Resampler.design(8000, 8000))
                .convert(alaw);
        assertThat(pcm).hasSize(4);
        short first = (short) ((pcm[0] & 0xFF) | pcm[1] << 8);
        short second = (short) ((pcm[2] & 0xFF) | pcm[3] << 8);
        assertThat(first).isEqualTo(G711.alawToLinear(alaw[0]));
        assertThat(second).isEqualTo(G711.alawToLinear(alaw[1]));
    }
}
