package io.voiceagent.call;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the conversation: who spoke ({@code user} or {@code agent}), what, and when. A line
 * over {@link #MAX_TEXT_BYTES} of UTF-8 is cut there and ends with {@link #CUT_MARK}: the text comes
 * from the agent, and one runaway answer must not fill the journal.
 */
public record TranscriptLine(String role, String text, Instant at) {
    public static final int MAX_TEXT_BYTES = 4 * 1024;
    static final String CUT_MARK = " [cut at 4 KiB]";

    public TranscriptLine {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        text = capped(text);
    }

    private static String capped(String text) {
        if (text.length() * 3 <= MAX_TEXT_BYTES || text.getBytes(StandardCharsets.UTF_8).length <= MAX_TEXT_BYTES) {
            return text;
        }
        int budget = MAX_TEXT_BYTES - CUT_MARK.length();
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + size > budget) {
                break;
            }
            kept.appendCodePoint(cp);
            used += size;
            i += Character.charCount(cp);
        }
        return kept.append(CUT_MARK).toString();
    }
}
