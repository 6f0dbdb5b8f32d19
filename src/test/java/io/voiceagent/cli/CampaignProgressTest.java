package io.voiceagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A campaign's progress: one bar redrawn in place on a terminal, a plain line per change of the counts otherwise. */
class CampaignProgressTest {

    private static Map<String, Object> status(int done, int live, String eta) {
        return Map.of("id", "cmp_1", "status", "running", "contacts", 10, "live_calls", live,
                "states", Map.of("done", done, "retry_wait", 1), "outcomes", Map.of("answered", done),
                "dialing", "open", "estimated_finish_at", eta);
    }

    @Test
    void onATerminalOneBarIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CampaignProgress bar = new CampaignProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        bar.show(status(0, 3, "2026-12-01T12:00:00Z"));
        bar.show(status(5, 3, "2026-12-01T12:00:00Z"));
        bar.done();
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).startsWith("\r[..............................] 0/10 done, 3 live, 1 to retry")
                .contains("\r[###############...............] 5/10 done, 3 live, 1 to retry · answered 5 · running,"
                        + " ends about 2026-12-01T12:00:00Z\033[K")
                .endsWith("\n");
        assertThat(shown.indexOf('\n')).as("one newline, at the end").isEqualTo(shown.length() - 1);
    }

    @Test
    void elsewhereALineIsPrintedOnlyWhenTheCountsChange() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CampaignProgress lines = new CampaignProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        lines.show(status(1, 3, "2026-12-01T12:00:00Z"));
        lines.show(status(1, 3, "2026-12-01T12:00:07Z"));
        lines.show(status(2, 3, "2026-12-01T12:00:07Z"));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).doesNotContain("\r").doesNotContain("\033"));
    }
}
