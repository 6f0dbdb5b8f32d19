package io.voiceagent.demo.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireAudioFormatTest {

    /** Expected values are what sox's G.711 decoder gives for the same bytes. */
    @Test
    void muLawExpandsPerG711() {
        assertThat(MuLaw.decode((byte) 0xFF)).isEqualTo((short) 0);
        assertThat(MuLaw.decode((byte) 0x7F)).isEqualTo((short) 0);
        assertThat(MuLaw.decode((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(MuLaw.decode((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(MuLaw.decode((byte) 0xF0)).isEqualTo((short) 120); // segment 0, step 8
        assertThat(MuLaw.decode((byte) 0x8F)).isEqualTo((short) 16764);
        assertThat(MuLaw.decode((byte) 0xA0)).isEqualTo((short) 7932);
    }

    @Test
    void pcm16000DoublesTheSampleRateAndInterpolatesBetweenSamples() {
        byte[] ulaw = {(byte) 0xFF, (byte) 0x80, (byte) 0xFF};
        byte[] pcm = WireAudioFormat.PCM_16000.fromUlaw8000(ulaw);
        assertThat(pcm).hasSize(12);
        short[] samples = WireAudioFormat.PCM_16000.toLinear(pcm);
        assertThat(samples).containsExactly((short) 0, (short) 16062, (short) 32124, (short) 16062, (short) 0, (short) 0);
    }

    @Test
    void ulaw8000PassesAudioThroughUnchanged() {
        byte[] greeting = DemoAudio.greeting();
        assertThat(WireAudioFormat.ULAW_8000.fromUlaw8000(greeting)).isEqualTo(greeting);
        assertThat(WireAudioFormat.fromWireName("pcm_16000")).contains(WireAudioFormat.PCM_16000);
        assertThat(WireAudioFormat.fromWireName("pcm_44100")).isEmpty();
    }

    @Test
    void demoRecordingsAreSpeechSizedAndWholePackets() {
        for (byte[] audio : new byte[][]{DemoAudio.greeting(), DemoAudio.reply(), DemoAudio.callerPhrase()}) {
            assertThat(audio.length % 160).isZero();
            assertThat(audio.length).isBetween(8000, 40_000);
        }
    }
}
