package io.voiceagent.api;

/**
 * Makes client-supplied text safe for one log line: control characters (a CR/LF could forge a log
 * line) become '?', and the length is capped so that a request cannot flood the log.
 */
final class LogSafe {
    private static final int MAX = 200;

    private LogSafe() {
    }

    static String text(String value) {
        if (value == null) {
            return "-";
        }
        String capped = value.length() > MAX ? value.substring(0, MAX) + "..." : value;
        StringBuilder out = new StringBuilder(capped.length());
        capped.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
