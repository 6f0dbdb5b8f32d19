package io.voiceagent.api;

import java.util.Optional;
import java.util.regex.Pattern;

/** Turns what people type as a phone number into E.164 digits (no '+'). */
final class PhoneNumbers {
    /** Separators people write inside numbers: spaces, dashes, parentheses (also dots). */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-().]");
    /** E.164 allows at most 15 digits; fewer than 8 cannot be a full international number. */
    private static final Pattern E164_DIGITS = Pattern.compile("[0-9]{8,15}");

    private PhoneNumbers() {
    }

    /** {@code "+7 (999) 000-11-22"} → {@code "79990001122"}; empty when it is not a phone number. */
    static Optional<String> toE164Digits(String typed) {
        String compact = SEPARATORS.matcher(typed.strip()).replaceAll("");
        if (compact.startsWith("+")) {
            compact = compact.substring(1);
        }
        return E164_DIGITS.matcher(compact).matches() ? Optional.of(compact) : Optional.empty();
    }
}
