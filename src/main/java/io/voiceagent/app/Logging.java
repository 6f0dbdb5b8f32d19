package io.voiceagent.app;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line per event on stderr. The service logs through {@link System.Logger}, which lands in
 * java.util.logging here, and every line goes through one of the two formatters below, which make it
 * safe whatever code produced it and whatever it quotes (a webhook's fields, a SIP header, an agent's
 * words):
 * <ul>
 *   <li>every configured secret value is masked;</li>
 *   <li>control characters are escaped ({@code \r}, {@code \n}, {@code \x1b}, {@code \x00}, ...), so a
 *       quoted string can neither start a forged line nor drive the terminal; a stack trace's own lines
 *       follow indented;</li>
 *   <li>a line about a call carries {@code call=<id>} in one place, right after the component, whichever
 *       way the message named the call ({@code call=ID ...} or {@code call ID: ...}).</li>
 * </ul>
 * {@code LOG_FORMAT=text} (the default) reads {@code 2026-11-25T10:00:00Z INFO  [LiveCall] call=c_1 stage=answered};
 * {@code LOG_FORMAT=json} writes one object per line with {@code ts}, {@code level}, {@code logger},
 * {@code call}, {@code msg} and {@code exception} (the whole trace as one string), for journald and log shippers.
 */
public final class Logging {
    /** Longer messages are cut: one request must not be able to flood the log. */
    static final int MAX_MESSAGE_CHARS = 16 * 1024;
    private static final Pattern CALL_PREFIX = Pattern.compile("call[= ]([A-Za-z0-9_.-]{1,64}):? (.*)", Pattern.DOTALL);

    private Logging() {
    }

    public static void configure(String level, String format, List<String> secretValues) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level julLevel = julLevel(level);
        root.setLevel(julLevel);
        Handler handler = new ConsoleHandler();
        handler.setLevel(julLevel);
        handler.setFormatter(formatter(format, secretValues));
        root.addHandler(handler);
        // The JDK's own HTTP client and server are chatty below INFO and say nothing an operator needs.
        Logger.getLogger("jdk.internal.httpclient").setLevel(Level.WARNING);
        Logger.getLogger("com.sun.net.httpserver").setLevel(Level.INFO);
    }

    /** The formatter for LOG_FORMAT ({@code text} or {@code json}). */
    static Formatter formatter(String format, List<String> secretValues) {
        List<String> secrets = secretValues.stream().filter(s -> s.length() >= 4).toList();
        return "json".equalsIgnoreCase(format) ? new JsonFormatter(secrets) : new OneLineFormatter(secrets);
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

    /** One event, made safe: what both formats print. */
    record SafeEvent(Instant time, String level, String logger, Optional<String> call, String message,
                     Optional<String> exception) {
    }

    /** The parts both formatters share: masking, escaping, the call id. */
    abstract static class SafeFormatter extends Formatter {
        private final List<String> secrets;

        SafeFormatter(List<String> secrets) {
            this.secrets = List.copyOf(secrets);
        }

        SafeEvent event(LogRecord record) {
            String message = masked(formatMessage(record));
            if (message.length() > MAX_MESSAGE_CHARS) {
                message = message.substring(0, MAX_MESSAGE_CHARS) + "... (" + (message.length() - MAX_MESSAGE_CHARS)
                        + " more characters)";
            }
            Optional<String> call = Optional.empty();
            Matcher prefix = CALL_PREFIX.matcher(message);
            if (prefix.matches()) {
                call = Optional.of(prefix.group(1));
                message = prefix.group(2);
            }
            Optional<String> exception = Optional.ofNullable(record.getThrown()).map(this::trace);
            return new SafeEvent(Instant.ofEpochMilli(record.getMillis()), levelName(record.getLevel()),
                    record.getLoggerName() == null ? "-" : record.getLoggerName(), call, escape(message), exception);
        }

        /** The trace with each throwable's text escaped; the frames are ours and safe. */
        private String trace(Throwable thrown) {
            StringBuilder out = new StringBuilder();
            String heading = "";
            for (Throwable t = thrown; t != null && out.length() < 4 * MAX_MESSAGE_CHARS; t = t.getCause()) {
                out.append(heading).append(escape(masked(t.toString())));
                for (StackTraceElement frame : t.getStackTrace()) {
                    out.append("\n\tat ").append(frame);
                }
                heading = "\nCaused by: ";
                if (t.getCause() == t) {
                    break;
                }
            }
            return out.toString();
        }

        private String masked(String text) {
            for (String secret : secrets) {
                text = text.replace(secret, "****");
            }
            return text;
        }
    }

    /** {@code time LEVEL [Component] call=<id> message}, then an indented stack trace if any. */
    static final class OneLineFormatter extends SafeFormatter {
        OneLineFormatter(List<String> secrets) {
            super(secrets);
        }

        @Override
        public String format(LogRecord record) {
            SafeEvent event = event(record);
            StringBuilder line = new StringBuilder(160);
            line.append(event.time()).append(' ')
                    .append(String.format("%-5s", event.level())).append(' ')
                    .append('[').append(shortName(event.logger())).append("] ");
            event.call().ifPresent(call -> line.append("call=").append(call).append(' '));
            line.append(event.message());
            event.exception().ifPresent(trace -> line.append(System.lineSeparator()).append('\t')
                    .append(trace.replace("\n", System.lineSeparator() + "\t")));
            return line.append(System.lineSeparator()).toString();
        }

        private static String shortName(String logger) {
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }

    /** One JSON object per line. */
    static final class JsonFormatter extends SafeFormatter {
        private static final JSON WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

        JsonFormatter(List<String> secrets) {
            super(secrets);
        }

        @Override
        public String format(LogRecord record) {
            SafeEvent event = event(record);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ts", event.time().toString());
            out.put("level", event.level());
            out.put("logger", event.logger());
            out.put("call", event.call().orElse(null));
            out.put("msg", event.message());
            event.exception().ifPresent(trace -> out.put("exception", trace));
            try {
                return WRITER.asString(out) + System.lineSeparator();
            } catch (IOException e) {
                return "{\"level\":\"ERROR\",\"msg\":\"log line not written: " + e.getClass().getSimpleName() + "\"}"
                        + System.lineSeparator();
            }
        }
    }

    /**
     * Escapes what could break a line or drive a terminal: C0 and C1 controls, DEL, and the Unicode
     * line and paragraph separators. Tabs stay: they end no line.
     */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = c < 0x20 && c != '\t' || c >= 0x7f && c < 0xa0 || c == '\u2028' || c == '\u2029';
            if (!unsafe) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String levelName(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (level.intValue() >= Level.INFO.intValue()) {
            return "INFO";
        }
        return level.intValue() >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }
}
