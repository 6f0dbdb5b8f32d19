package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageLogTest {
    private static final String INVITE = "INVITE sip:79990001122@sip.exolve.ru SIP/2.0\r\n"
            + "Call-ID: abc@10.0.0.1\r\n"
            + "Proxy-Authorization: Digest username=\"883140\", response=\"0123456789abcdef\"\r\n"
            + "Content-Length: 0\r\n\r\n";

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(MessageLog.class.getName());
    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        capture.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        logger.setLevel(level);
    }

    private final MessageLog log = new MessageLog(2, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void atDebugEveryMessageIsLoggedWithItsCredentialsMasked() {
        logger.setLevel(Level.FINE);

        log.record("out", "80.75.130.100:5060", INVITE);

        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.FINE);
            assertThat(r.getMessage()).startsWith("SIP out 80.75.130.100:5060: INVITE sip:79990001122@sip.exolve.ru")
                    .contains("Proxy-Authorization: ****").doesNotContain("0123456789abcdef");
        });
        assertThat(log.snapshot()).singleElement().satisfies(m ->
                assertThat((String) m.get("message")).contains("Proxy-Authorization: ****"));
    }

    @Test
    void atInfoNothingIsLoggedButTheDebugEndpointStillKeepsTheLastMessages() {
        logger.setLevel(Level.INFO);

        for (int i = 0; i < 3; i++) {
            log.record("in", "80.75.130.100:5060", INVITE);
        }

        assertThat(logged).isEmpty();
        assertThat(log.snapshot()).hasSize(2);
    }
}
