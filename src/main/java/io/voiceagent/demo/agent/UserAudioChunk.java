package io.voiceagent.demo.agent;

import java.time.Duration;

/**
 * One {@code user_audio_chunk} as the fake received it.
 *
 * @param sinceOpen when it arrived, measured from the WebSocket upgrade
 * @param bytes     decoded audio bytes in the conversation's format
 */
public record UserAudioChunk(Duration sinceOpen, int bytes) {
}
