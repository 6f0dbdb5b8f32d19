package io.voiceagent.media;

/** What a media session tells its call. Called from media threads: do not block. */
public interface MediaListener {

    /** Caller audio in the agent's input format, one chunk of ELEVENLABS_CHUNK_MS, silence included. */
    void onUserAudio(byte[] chunk);

    /** A DTMF digit from RFC 4733 telephone-events, counted once per key press. */
    void onDtmf(char digit);

    /** The first RTP packet from the far end arrived (and we latched to its address). */
    void onFirstPacket();

    /** No RTP for RTP_TIMEOUT_S after media started (never while the far end holds the call). */
    void onMediaTimeout();

    /** The far end has held the call for CALL_HOLD_TIMEOUT_S without resuming it. */
    void onHoldTimeout();
}
