package io.voiceagent.sip;

import java.util.Optional;

/** What happens to a dialog, as the call layer needs to know it. */
public sealed interface SipCallEvent {

    /** 180 or 183. {@code earlyMedia} is the SDP of a 183 that carries one: start media at once. */
    record Ringing(int statusCode, Optional<SessionDescription> earlyMedia) implements SipCallEvent {
    }

    /** 200 OK to our INVITE (ACK already sent), or our 200 to an inbound INVITE was ACKed. */
    record Answered(SessionDescription remote) implements SipCallEvent {
    }

    /** The INVITE failed or timed out; {@code statusCode} is 0 when no final response came. */
    record Failed(FailureCause cause, int statusCode, String reason) implements SipCallEvent {
    }

    /** The far end sent BYE (or CANCEL for an inbound call we had not answered yet). */
    record RemoteHangup() implements SipCallEvent {
    }

    /** A re-INVITE or UPDATE changed where the far end wants media (hold, moved address). */
    record MediaUpdated(SessionDescription remote) implements SipCallEvent {
    }

    /**
     * We sent BYE because no session refresh of ours (RFC 4028) succeeded before the session would
     * expire; ends the call like RemoteHangup, with cause {@code session_refresh_failed}.
     */
    record SessionRefreshFailed(String reason) implements SipCallEvent {
    }

    /** A digit from SIP INFO {@code application/dtmf-relay}. */
    record Dtmf(char digit) implements SipCallEvent {
    }
}
