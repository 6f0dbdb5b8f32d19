package io.voiceagent.media;

import java.io.IOException;

/** Opens one call's media session on a free RTP port. */
@FunctionalInterface
public interface MediaSessionFactory {
    /** @param chunkMs how much caller audio goes into each chunk handed to the listener (ELEVENLABS_CHUNK_MS) */
    MediaSession open(String callId, int chunkMs, MediaListener listener) throws IOException;
}
