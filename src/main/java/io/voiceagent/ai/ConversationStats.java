package io.voiceagent.ai;

/**
 * Counters of one conversation for the media debug endpoint. Audio milliseconds are derived from
 * the byte counts and the conversation's formats (0 when a format's rate is unknown).
 *
 * @param audioChunksSent caller audio handed to the socket's send queue, including chunks later dropped
 * @param audioChunksDiscarded agent audio dropped because an interruption cut it off
 * @param audioChunksDroppedUnsent caller audio dropped because the socket could not keep up
 * @param endCallTools {@code end_call} requests seen, in either the system-tool or the client-tool form
 */
public record ConversationStats(long connectMillis,
                                long audioChunksSent, long audioBytesSent, long audioMsSent,
                                long audioChunksDroppedUnsent,
                                long audioChunksReceived, long audioBytesReceived, long audioMsReceived,
                                long audioChunksDiscarded,
                                long messagesReceived, long malformedMessages, long interruptions,
                                long pingsAnswered, long lastPingMs,
                                int sendQueueDepth, long endCallTools) {
}
