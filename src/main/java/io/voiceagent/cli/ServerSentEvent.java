package io.voiceagent.cli;

import java.util.Optional;

/** One event of {@code GET /api/events}: its id (absent on {@code reset}), type and JSON data. */
record ServerSentEvent(Optional<String> id, String type, String data) {
}
