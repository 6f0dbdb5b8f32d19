package io.voiceagent.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A 1 kHz tone keeps its frequency and level through resampling, fed in 20 ms chunks as on a call. */
class ResamplerToneTest {

    private static final double AMPLITUDE = 10_000;

    @ParameterizedTest
    @ValueSource(ints = {16000, 22050, 24000, 44100, 48000})
    void aToneStaysAToneUpAndDown(int rate) {
        short[] tone8k = tone(1000, 8000, 8000);
        short[] up = resampleInChunks(tone8k, 8000, rate);
        assertThat(up.length).isBetween(rate - rate / 100, rate);
        assertTone(up, rate, 1000);

        short[] down = resampleInChunks(tone(1000, rate, rate), rate, 8000);
        assertThat(down.length).isBetween(8000 - 100, 8000);
        assertTone(down, 8000, 1000);
    }

    @Test
    void contentAboveTheTelephoneBandIsRemovedWhenDownsampling() {
        // 6 kHz at 16 kHz would alias to 2 kHz at 8 kHz if samples were merely dropped.
        short[] down = resampleInChunks(tone(6000, 16000, 16000), 16000, 8000);
        double aliasLevel = goertzelAmplitude(down, 1000, down.length - 4000, 8000, 2000);
        assertThat(20 * Math.log10(aliasLevel / AMPLITUDE)).isLessThan(-50);
    }

    @Test
    void outputLengthTracksTheRatioWithoutDroppingOrRepeating() {
        Resampler resampler = new Resampler(8000, 44100);
        int produced = 0;
        for (int i = 0; i < 100; i++) {
            produced += resampler.process(new short[160]).length;
        }
        // 2 s in: 88200 out, less the filter's look-ahead of a few input samples.
        assertThat(produced).isBetween(88200 - 100, 88200);
    }

    private static void assertTone(short[] samples, int rate, double frequency) {
        int skip = samples.length / 4;
        int length = samples.length / 2;
        double atTone = goertzelAmplitude(samples, skip, length, rate, frequency);
        double levelDb = 20 * Math.log10(atTone / AMPLITUDE);
        assertThat(levelDb).as("level of %s Hz at %d Hz", frequency, rate).isBetween(-1.0, 1.0);
        for (double other : new double[]{frequency * 0.9, frequency * 1.1, frequency * 2, 3000}) {
            assertThat(goertzelAmplitude(samples, skip, length, rate, other)).isLessThan(atTone / 100);
        }
    }

    private static short[] resampleInChunks(short[] input, int inRate, int outRate) {
        Resampler resampler = new Resampler(inRate, outRate);
        int chunk = inRate / 50;
        short[] out = new short[0];
        for (int at = 0; at < input.length; at += chunk) {
            short[] part = resampler.process(input, at, Math.min(chunk, input.length - at));
            short[] grown = java.util.Arrays.copyOf(out, out.length + part.length);
            System.arraycopy(part, 0, grown, out.length, part.length);
            out = grown;
        }
        return out;
    }

    private static short[] tone(double frequency, int rate, int samples) {
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return out;
    }

    /** Amplitude of one frequency over a window, by correlation with a sine and a cosine. */
    private static double goertzelAmplitude(short[] samples, int from, int length, int rate, double frequency) {
        double re = 0;
        double im = 0;
        for (int i = from; i < from + length; i++) {
            double phase = 2 * Math.PI * frequency * i / rate;
            re += samples[i] * Math.cos(phase);
            im += samples[i] * Math.sin(phase);
        }
        return 2 * Math.hypot(re, im) / length;
    }
}
