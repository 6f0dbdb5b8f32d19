package io.voiceagent.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr: time, level, component, message. The service logs through
 * {@link System.Logger}, which lands in java.util.logging here. As a last line of defence, every
 * configured secret value is masked in each line, whatever code produced it.
 */
public final class Logging {
    private Logging() {
    }

    public static void configure(String level, List<String> secretValues) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level julLevel = julLevel(level);
        root.setLevel(julLevel);
        Handler handler = new ConsoleHandler();
        handler.setLevel(julLevel);
        handler.setFormatter(new OneLineFormatter(secretValues.stream().filter(s -> s.length() >= 4).toList()));
        root.addHandler(handler);
        // The JDK's own HTTP client and server are chatty below INFO and say nothing an operator needs.
        Logger.getLogger("jdk.internal.httpclient").setLevel(Level.WARNING);
        Logger.getLogger("com.sun.net.httpserver").setLevel(Level.INFO);
    }

    static Level julLevel(String level) {
        return switch (level.toUpperCase(Locale.ROOT)) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR" -> Level.SEVERE;
            case "OFF" -> Level.OFF;
            default -> Level.INFO;
        };
    }

    static final class OneLineFormatter extends Formatter {
        private final List<String> secrets;

        OneLineFormatter(List<String> secrets) {
            this.secrets = List.copyOf(secrets);
        }

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(160);
            line.append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                    .append(levelName(record.getLevel())).append(' ')
                    .append('[').append(shortName(record.getLoggerName())).append("] ")
                    .append(formatMessage(record));
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace);
            }
            String text = line.toString();
            for (String secret : secrets) {
                text = text.replace(secret, "****");
            }
            return text + System.lineSeparator();
        }

        private static String levelName(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (level.intValue() >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return level.intValue() >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }

        private static String shortName(String logger) {
            if (logger == null) {
                return "-";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }
}
