package io.voiceagent.tools;

import io.voiceagent.media.MediaSession;
import io.voiceagent.sip.SipCall;
import java.util.Map;
import java.util.Optional;

/** What the tools may do to one call; the call implements it. Every method returns at once. */
public interface CallControl {

    /** The call's id, for log lines. */
    String callId();

    /** Whether the phone has answered and the call has not ended. */
    boolean live();

    /** The phone leg's audio. */
    MediaSession media();

    /** The phone leg's SIP dialog, once there is one. */
    Optional<SipCall> phoneLeg();

    /**
     * The call reached voicemail: it ends with status {@code voicemail}, {@code now} (cause
     * {@code voicemail}) or, while a message is left, whenever and however it ends later.
     */
    void endAsVoicemail(boolean now);

    /** Adds an entry to the call record's {@code events}. */
    void recordEvent(Map<String, Object> event);
}
