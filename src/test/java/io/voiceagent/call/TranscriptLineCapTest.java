package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TranscriptLineCapTest {
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void aLineUpTo4KiBIsKeptAsSaid() {
        String text = "я".repeat(2048);

        assertThat(new TranscriptLine("agent", text, AT).text()).isEqualTo(text);
    }

    @Test
    void aLongerLineIsCutAt4KiBOfUtf8WithoutSplittingACharacter() {
        String text = "ж".repeat(3000) + "end";

        String kept = new TranscriptLine("agent", text, AT).text();

        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(TranscriptLine.MAX_TEXT_BYTES);
        assertThat(kept).endsWith(TranscriptLine.CUT_MARK).startsWith("жжж").doesNotContain("\uFFFD", "end");
    }
}
