package io.voiceagent.media;

/** The audio figures kept on a call record. Jitter is RFC 3550 interarrival jitter in milliseconds. */
public record MediaStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long lost,
                         double jitterMs, long aiAudioSentMs, long aiAudioReceivedMs) {
    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, 0);
}
