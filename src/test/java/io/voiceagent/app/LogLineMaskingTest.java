package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogLineMaskingTest {

    @Test
    void everyConfiguredSecretIsMaskedWhateverCodeLoggedIt() {
        java.util.logging.Formatter formatter = Logging.formatter("text", List.of("sip-secret-123", "xi-key-456"));
        LogRecord record = new LogRecord(Level.WARNING, "connect failed with key xi-key-456 and sip-secret-123");
        record.setLoggerName("io.voiceagent.ai.ElevenLabsClient");
        record.setThrown(new IllegalStateException("password sip-secret-123 rejected"));

        String line = formatter.format(record);

        assertThat(line).doesNotContain("sip-secret-123").doesNotContain("xi-key-456")
                .contains("WARN  [ElevenLabsClient] connect failed with key **** and ****")
                .contains("password **** rejected");
    }

    @Test
    void logLevelsMapOntoJavaUtilLogging() {
        assertThat(Logging.julLevel("DEBUG")).isEqualTo(Level.FINE);
        assertThat(Logging.julLevel("trace")).isEqualTo(Level.FINEST);
        assertThat(Logging.julLevel("WARN")).isEqualTo(Level.WARNING);
        assertThat(Logging.julLevel("ERROR")).isEqualTo(Level.SEVERE);
        assertThat(Logging.julLevel("INFO")).isEqualTo(Level.INFO);
    }
}
