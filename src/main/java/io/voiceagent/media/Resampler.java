package io.voiceagent.media;

import java.util.Arrays;

/**
 * Streaming sample-rate conversion by a rational factor with a polyphase windowed-sinc (Kaiser)
 * low-pass filter: every output sample is interpolated from the input band-limited below
 * {@value #PASSBAND_FRACTION} of the lower Nyquist frequency, so nothing aliases and no sample is
 * dropped or repeated. Not thread-safe: one instance per direction per call; the immutable
 * {@link Filter} may be shared.
 */
public final class Resampler {

    static final double PASSBAND_FRACTION = 0.9;
    private static final int ZERO_CROSSINGS = 12;
    private static final double KAISER_BETA = 7.0;

    /** The filter bank for one rate pair: immutable, shareable across calls. */
    public static final class Filter {
        final int up;
        final int down;
        final int halfTaps;
        final float[][] phases;

        private Filter(int inRate, int outRate) {
            int gcd = gcd(inRate, outRate);
            this.up = outRate / gcd;
            this.down = inRate / gcd;
            // Cutoff in cycles per input sample, below the lower of the two Nyquist frequencies.
            double cutoff = PASSBAND_FRACTION * Math.min(inRate, outRate) / 2.0 / inRate;
            double halfWidth = ZERO_CROSSINGS / (2 * cutoff);
            this.halfTaps = (int) Math.ceil(halfWidth);
            this.phases = new float[up][2 * halfTaps];
            for (int phase = 0; phase < up; phase++) {
                double fraction = (double) phase / up;
                double sum = 0;
                double[] taps = new double[2 * halfTaps];
                for (int k = 0; k < 2 * halfTaps; k++) {
                    double distance = (k - halfTaps + 1) - fraction;
                    taps[k] = lowPass(distance, cutoff) * kaiser(distance / halfWidth);
                    sum += taps[k];
                }
                for (int k = 0; k < taps.length; k++) {
                    phases[phase][k] = (float) (taps[k] / sum);
                }
            }
        }
    }

    private final Filter filter;
    private float[] history;
    private int historyLength;
    /** Absolute input index of {@code history[0]}; the filter sees zeros before the first sample. */
    private long historyStart;
    private long inputCount;
    private long nextOutput;

    public Resampler(Filter filter) {
        this.filter = filter;
        this.history = new float[4 * filter.halfTaps + 512];
        reset();
    }

    public Resampler(int inRate, int outRate) {
        this(design(inRate, outRate));
    }

    public static Filter design(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + inRate + " -> " + outRate);
        }
        return new Filter(inRate, outRate);
    }

    /** Forgets all input, as after a barge-in: the next sample starts a fresh stream. */
    public void reset() {
        Arrays.fill(history, 0f);
        historyLength = filter.halfTaps;
        historyStart = -filter.halfTaps;
        inputCount = 0;
        nextOutput = 0;
    }

    /** Feeds input samples and returns every output sample they complete. */
    public short[] process(short[] input, int offset, int length) {
        append(input, offset, length);
        int halfTaps = filter.halfTaps;
        long available = countReady();
        short[] out = new short[(int) available];
        for (int o = 0; o < out.length; o++) {
            long position = nextOutput * filter.down;
            long base = Math.floorDiv(position, filter.up);
            int phase = (int) (position - base * filter.up);
            float[] taps = filter.phases[phase];
            int first = (int) (base - halfTaps + 1 - historyStart);
            float acc = 0f;
            for (int k = 0; k < taps.length; k++) {
                acc += taps[k] * history[first + k];
            }
            out[o] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(acc)));
            nextOutput++;
        }
        discardConsumed();
        return out;
    }

    public short[] process(short[] input) {
        return process(input, 0, input.length);
    }

    private long countReady() {
        // Output n needs input up to floor(n*down/up) + halfTaps.
        long lastUsableBase = inputCount - 1 - filter.halfTaps;
        if (lastUsableBase < 0) {
            return 0;
        }
        long lastOutput = Math.floorDiv((lastUsableBase + 1) * filter.up - 1, filter.down);
        return Math.max(0, lastOutput - nextOutput + 1);
    }

    private void append(short[] input, int offset, int length) {
        if (historyLength + length > history.length) {
            history = Arrays.copyOf(history, Math.max(2 * history.length, historyLength + length));
        }
        for (int i = 0; i < length; i++) {
            history[historyLength++] = input[offset + i];
        }
        inputCount += length;
    }

    private void discardConsumed() {
        long nextBase = Math.floorDiv(nextOutput * filter.down, filter.up);
        long keepFrom = nextBase - filter.halfTaps + 1;
        int drop = (int) Math.max(0, keepFrom - historyStart);
        if (drop > 0) {
            System.arraycopy(history, drop, history, 0, historyLength - drop);
            historyLength -= drop;
            historyStart += drop;
        }
    }

    private static double lowPass(double distance, double cutoff) {
        if (distance == 0) {
            return 2 * cutoff;
        }
        double x = 2 * Math.PI * cutoff * distance;
        return Math.sin(x) / (Math.PI * distance);
    }

    private static double kaiser(double t) {
        if (Math.abs(t) >= 1) {
            return 0;
        }
        return besselI0(KAISER_BETA * Math.sqrt(1 - t * t)) / besselI0(KAISER_BETA);
    }

    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
