package io.voiceagent.recordings;

import io.voiceagent.call.StartCallRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What the HTTP API uses of the recordings. */
public interface RecordingLibrary {
    /** The request with RECORDING_NOTICE before its first message, when the call will be recorded. */
    StartCallRequest withNotice(StartCallRequest request);

    /** The call's WAV file, when there is one. */
    Optional<Path> file(String callId);

    /** The call's recording as {@code GET /api/calls/{id}} shows it: state, duration, dropped audio, URL. */
    Optional<Map<String, Object>> describe(String callId);
}
