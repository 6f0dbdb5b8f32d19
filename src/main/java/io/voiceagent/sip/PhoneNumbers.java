package io.voiceagent.sip;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns what people type as a phone number into E.164 digits (no '+'), with the Russian habits:
 * a national {@code 8 XXX XXX-XX-XX} (11 digits from 8) is {@code +7 XXX XXX-XX-XX}, and a leading
 * {@code 00} is the international prefix, as is {@code +}. Separators (spaces, dashes, brackets,
 * dots) are dropped. The result has 8 to 15 digits (E.164 allows 15) and does not start with 0.
 * Here, beside the dialling it serves: the API checks callees and do-not-call numbers with it, {@code app}
 * hands it to the do-not-call list, and transfers read their targets (API, the agent's tools) with it.
 */
public final class PhoneNumbers {
    /** What a refusal shows: the form expected and the rules applied. */
    public static final String EXPECTED = "expected an international number such as \"+7 999 000-11-22\" "
            + "(E.164: 8 to 15 digits, not starting with 0; \"8 999 …\" is read as +7 999 …, \"00\" as \"+\")";
    /** Separators people write inside numbers: spaces, dashes, parentheses (also dots). */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-().]");
    private static final Pattern E164_DIGITS = Pattern.compile("[1-9][0-9]{7,14}");
    private static final Pattern RUSSIAN_NATIONAL = Pattern.compile("8[0-9]{10}");

    private PhoneNumbers() {
    }

    /** {@code "+7 (999) 000-11-22"}, {@code "8 999 000 11 22"}, {@code "0079990001122"} → {@code "79990001122"}. */
    public static Optional<String> toE164Digits(String typed) {
        String compact = SEPARATORS.matcher(typed.strip()).replaceAll("");
        String digits;
        if (compact.startsWith("+")) {
            digits = compact.substring(1);
        } else if (compact.startsWith("00")) {
            digits = compact.substring(2);
        } else if (RUSSIAN_NATIONAL.matcher(compact).matches()) {
            digits = "7" + compact.substring(1);
        } else {
            digits = compact;
        }
        return E164_DIGITS.matcher(digits).matches() ? Optional.of(digits) : Optional.empty();
    }
}
