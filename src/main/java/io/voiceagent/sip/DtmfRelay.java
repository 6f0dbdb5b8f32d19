package io.voiceagent.sip;

import java.util.Locale;
import java.util.Optional;

/** Digits carried in SIP INFO: {@code application/dtmf-relay} ("Signal=5") and bare {@code application/dtmf}. */
final class DtmfRelay {

    private static final String DIGITS = "0123456789*#ABCD";

    private DtmfRelay() {
    }

    /** How long each INFO digit is said to last, as the tone of an RFC 4733 digit does. */
    static final int DURATION_MS = 100;

    /** The body of an INFO carrying {@code digit}. */
    static String body(char digit) {
        return "Signal=" + Character.toUpperCase(digit) + "\r\nDuration=" + DURATION_MS + "\r\n";
    }

    /** The Signal= line of an application/dtmf-relay body. */
    static Optional<Character> digit(String body) {
        for (String line : body.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("Signal")) {
                return bareDigit(line.substring(eq + 1));
            }
        }
        return Optional.empty();
    }

    /** One digit, or the event codes 10 and 11 of RFC 4733 for * and #. */
    static Optional<Character> bareDigit(String text) {
        String v = text.strip().toUpperCase(Locale.ROOT);
        if (v.length() == 1 && DIGITS.indexOf(v.charAt(0)) >= 0) {
            return Optional.of(v.charAt(0));
        }
        return switch (v) {
            case "10" -> Optional.of('*');
            case "11" -> Optional.of('#');
            default -> Optional.empty();
        };
    }
}
