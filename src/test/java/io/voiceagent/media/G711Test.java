package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** G.711 against values of the ITU-T G.711 tables. */
class G711Test {

    @Test
    void muLawDecodesToTheG711ReconstructionLevels() {
        assertThat(G711.ulawToLinear((byte) 0xFF)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear((byte) 0x7F)).isEqualTo((short) 0);
        assertThat(G711.ulawToLinear((byte) 0xFE)).isEqualTo((short) 8);
        assertThat(G711.ulawToLinear((byte) 0x7E)).isEqualTo((short) -8);
        assertThat(G711.ulawToLinear((byte) 0xEF)).isEqualTo((short) 132);
        assertThat(G711.ulawToLinear((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(G711.ulawToLinear((byte) 0x00)).isEqualTo((short) -32124);
    }

    @Test
    void aLawDecodesToTheG711ReconstructionLevels() {
        assertThat(G711.alawToLinear((byte) 0xD5)).isEqualTo((short) 8);
        assertThat(G711.alawToLinear((byte) 0x55)).isEqualTo((short) -8);
        assertThat(G711.alawToLinear((byte) 0xD4)).isEqualTo((short) 24);
        assertThat(G711.alawToLinear((byte) 0xAA)).isEqualTo((short) 32256);
        assertThat(G711.alawToLinear((byte) 0x2A)).isEqualTo((short) -32256);
    }

    @Test
    void encodersClipAndMapZeroToTheSilenceCodes() {
        assertThat(G711.linearToUlaw(0)).isEqualTo(G711.ULAW_SILENCE);
        assertThat(G711.linearToUlaw(32767)).isEqualTo((byte) 0x80);
        assertThat(G711.linearToUlaw(-32768)).isEqualTo((byte) 0x00);
        assertThat(G711.linearToAlaw(0)).isEqualTo(G711.ALAW_SILENCE);
        assertThat(G711.linearToAlaw(32767)).isEqualTo((byte) 0xAA);
        assertThat(G711.linearToAlaw(-32768)).isEqualTo((byte) 0x2A);
    }

    @Test
    void everyCodeSurvivesDecodeThenEncode() {
        for (int code = 0; code < 256; code++) {
            if (code != 0x7F) { // μ-law negative zero decodes to 0, which encodes as positive zero
                assertThat(G711.linearToUlaw(G711.ulawToLinear((byte) code)) & 0xFF).as("μ-law %02x", code).isEqualTo(code);
            }
            assertThat(G711.linearToAlaw(G711.alawToLinear((byte) code)) & 0xFF).as("A-law %02x", code).isEqualTo(code);
        }
    }

    @Test
    void quantisationIsMonotonicWithErrorWithinHalfAStep() {
        int previousU = Integer.MIN_VALUE;
        int previousA = Integer.MIN_VALUE;
        for (int x = -32000; x <= 32000; x++) {
            int u = G711.ulawToLinear(G711.linearToUlaw(x));
            int a = G711.alawToLinear(G711.linearToAlaw(x));
            assertThat(u).isGreaterThanOrEqualTo(previousU);
            assertThat(a).isGreaterThanOrEqualTo(previousA);
            // Steps double per segment; the largest is 1024 (μ-law) or 1024 (A-law) near full scale.
            int allowed = Math.max(16, Math.abs(x) / 16 + 8);
            assertThat(Math.abs(u - x)).as("μ-law error at %d", x).isLessThanOrEqualTo(allowed);
            assertThat(Math.abs(a - x)).as("A-law error at %d", x).isLessThanOrEqualTo(allowed);
            previousU = u;
            previousA = a;
        }
    }

    @Test
    void directConversionFollowsTheG711Tables() {
        // Values from G.711 Tables 3 and 4 (μ-law→A-law, A-law→μ-law), where they differ from
        // decoding and re-encoding.
        assertThat(G711.ulawToAlaw((byte) 0xFF)).isEqualTo((byte) 0xD5);
        assertThat(G711.ulawToAlaw((byte) 0x7F)).isEqualTo((byte) 0x55);
        assertThat(G711.ulawToAlaw((byte) 0xF3)).isEqualTo((byte) 0xD3);
        assertThat(G711.ulawToAlaw((byte) 0xEB)).isEqualTo((byte) 0xD9);
        assertThat(G711.alawToUlaw((byte) 0xD5)).isEqualTo((byte) 0xFE);
        assertThat(G711.alawToUlaw((byte) 0x80)).isEqualTo((byte) 0xAA);
        assertThat(G711.alawToUlaw((byte) 0x00)).isEqualTo((byte) 0x2A);
        assertThat(G711.alawToUlaw((byte) 0x1A)).isEqualTo((byte) 0x30);
        assertThat(G711.alawToUlaw((byte) 0xF8)).isEqualTo((byte) 0xCF);
        assertThat(G711.ulawToAlaw((byte) 0x80)).isEqualTo((byte) 0xAA);
        assertThat(G711.ulawToAlaw((byte) 0x00)).isEqualTo((byte) 0x2A);
    }

    @Test
    void directConversionKeepsSignAndStaysCloseToTheSample() {
        for (int code = 0; code < 256; code++) {
            int mu = G711.ulawToLinear((byte) code);
            int viaA = G711.alawToLinear(G711.ulawToAlaw((byte) code));
            assertThat(Math.abs(viaA - mu)).as("μ %02x", code).isLessThanOrEqualTo(Math.max(16, Math.abs(mu) / 16));
            int a = G711.alawToLinear((byte) code);
            int viaMu = G711.ulawToLinear(G711.alawToUlaw((byte) code));
            assertThat(Math.signum(viaMu)).isEqualTo(Math.signum(a));
            assertThat(Math.abs(viaMu - a)).as("A %02x", code).isLessThanOrEqualTo(Math.max(16, Math.abs(a) / 16));
        }
    }
}
