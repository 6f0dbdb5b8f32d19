package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing interop tool fails the run in CI and skips, with the reason, elsewhere. */
class ExternalToolTest {

    private final ExternalTool missing = new ExternalTool("voiceagent-no-such-tool", "no-such-package");

    @Test
    void aMissingToolFailsInCi() {
        assertThatThrownBy(() -> missing.require(Map.of("CI", "true", "PATH", "/nonexistent")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("voiceagent-no-such-tool")
                .hasMessageContaining("apt-get install -y no-such-package");
    }

    @Test
    void aMissingToolSkipsWithTheReasonOutsideCi() {
        assertThatThrownBy(() -> missing.require(Map.of("PATH", "/nonexistent")))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no-such-package")
                .hasMessageContaining("CI=true");
    }

    @Test
    void anInstalledToolIsFoundOnThePath() {
        ExternalTool shell = new ExternalTool("sh", "dash");
        assertThat(shell.require(Map.of("CI", "true", "PATH", "/bin:/usr/bin"))).isExecutable();
    }
}
