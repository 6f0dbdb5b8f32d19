package io.voiceagent.call;

import java.time.Instant;
import java.util.Objects;

/** One line of the conversation: who spoke ({@code user} or {@code agent}), what, and when. */
public record TranscriptLine(String role, String text, Instant at) {
    public TranscriptLine {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
    }
}
