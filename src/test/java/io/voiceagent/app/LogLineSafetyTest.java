package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** What the formatters do to any line, whoever logged it. */
class LogLineSafetyTest {
    private static final String HOSTILE = "b\r\n2026-11-25T10:00:00Z ERROR [Forged] x\u001b[31mred\u001b[0m\u0000nul\u0085\u2028end";

    private static LogRecord record(Level level, String message, Object... params) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("io.voiceagent.call.CallManager");
        record.setParameters(params.length == 0 ? null : params);
        return record;
    }

    private static final Formatter TEXT = Logging.formatter("text", List.of("sip-secret-123"));
    private static final Formatter JSON_LINES = Logging.formatter("json", List.of("sip-secret-123"));

    @Test
    void controlCharactersAreEscapedSoAQuotedStringStaysOnItsLine() {
        String line = TEXT.format(record(Level.WARNING, "Exolve event " + HOSTILE + " for unknown call"));

        assertThat(line).endsWith(System.lineSeparator());
        String body = line.substring(0, line.length() - System.lineSeparator().length());
        assertThat(body).doesNotContain("\r", "\n", "\u001b", "\u0000", "\u0085", "\u2028")
                .contains("b\\r\\n2026-11-25T10:00:00Z ERROR [Forged] x\\x1b[31mred\\x1b[0m\\x00nul\\x85\\u2028end");
    }

    @Test
    void aStackTraceFollowsIndentedWithItsMessagesEscaped() {
        LogRecord record = record(Level.SEVERE, "call=c_1 failed");
        record.setThrown(new IllegalStateException("bad\r\nINFO forged", new RuntimeException("cause\u001b[2J")));

        List<String> lines = TEXT.format(record).lines().toList();

        assertThat(lines.get(0)).endsWith("ERROR [CallManager] call=c_1 failed");
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l).startsWith("\t"));
        assertThat(lines.get(1)).isEqualTo("\tjava.lang.IllegalStateException: bad\\r\\nINFO forged");
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("\tCaused by: java.lang.RuntimeException: cause\\x1b[2J"));
    }

    @Test
    void everyShapeOfCallIdLandsInOnePlace() {
        assertThat(TEXT.format(record(Level.INFO, "call=c_1 stage=answered media=1.2.3.4:5")))
                .endsWith("INFO  [CallManager] call=c_1 stage=answered media=1.2.3.4:5" + System.lineSeparator());
        assertThat(TEXT.format(record(Level.INFO, "call {0}: no RTP for {1} s: media timeout", "c_2", 30)))
                .endsWith("INFO  [CallManager] call=c_2 no RTP for 30 s: media timeout" + System.lineSeparator());
        assertThat(TEXT.format(record(Level.INFO, "HTTP API listening")))
                .endsWith("INFO  [CallManager] HTTP API listening" + System.lineSeparator());
    }

    @Test
    void jsonIsOneObjectPerLineWithTheCallAndTheTraceAsOneString() throws Exception {
        LogRecord record = record(Level.WARNING, "call c_3: agent said " + HOSTILE + " with sip-secret-123");
        record.setThrown(new IllegalStateException("boom\nline two"));

        String out = JSON_LINES.format(record);

        assertThat(out.lines()).hasSize(1);
        Map<String, Object> line = JSON.std.mapFrom(out);
        assertThat(line.keySet()).containsExactly("ts", "level", "logger", "call", "msg", "exception");
        assertThat(line).containsEntry("level", "WARN").containsEntry("logger", "io.voiceagent.call.CallManager")
                .containsEntry("call", "c_3");
        assertThat((String) line.get("msg")).startsWith("agent said b\\r\\n2026").endsWith("with ****")
                .doesNotContain("\u001b", "\n");
        assertThat((String) line.get("exception")).startsWith("java.lang.IllegalStateException: boom\\nline two\n\tat ");
        assertThat(JSON.std.mapFrom(JSON_LINES.format(record(Level.INFO, "started")))).containsEntry("call", null)
                .doesNotContainKey("exception");
    }

    @Test
    void aHugeMessageIsCut() {
        String line = TEXT.format(record(Level.INFO, "x".repeat(100_000)));

        assertThat(line).hasSizeLessThan(Logging.MAX_MESSAGE_CHARS + 200).contains("(83616 more characters)");
    }
}
