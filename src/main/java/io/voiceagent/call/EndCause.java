package io.voiceagent.call;

import io.voiceagent.ai.AgentCause;
import io.voiceagent.sip.FailureCause;

/**
 * Why a call ended, as {@code hangup_cause} on the record: every cause the service can write, in one
 * place. Each wire name is written out (not derived from the constant's name), so renaming a constant
 * changes neither the API nor the journal. README "How a call ends" has the table of status × cause × by.
 */
public enum EndCause {
    // Our side
    /** {@code POST /api/calls/hangup} (or {@code voiceagent hangup}). */
    LOCAL_HANGUP("local_hangup"),
    /** The service was stopped (SIGTERM) while the call was live. */
    SHUTDOWN("shutdown"),
    /** Nobody answered: our ring timeout (CALL_RING_TIMEOUT_S), or the network's 480/408. */
    NO_ANSWER("no_answer"),

    // The phone's side
    /** The far end hung up (BYE), or cancelled an inbound leg before we answered. */
    REMOTE_HANGUP("remote_hangup"),
    /** Exolve's webhook reported the call over (HTTP mode). */
    PROVIDER_HANGUP("provider_hangup"),
    /** 486 Busy Here, 600 Busy Everywhere. */
    BUSY("busy"),
    /** 603 Decline: the callee rejected the call. */
    DECLINED("declined"),
    /** 404, 484, 604, or a number with no digits. */
    INVALID_NUMBER("invalid_number"),
    /** 403 to the INVITE. */
    FORBIDDEN("forbidden"),
    /** 5xx to the INVITE, or Exolve's API failed (5xx, no answer, no call id). */
    PROVIDER_ERROR("provider_error"),
    /** Exolve refused the request (4xx other than 401/403). */
    PROVIDER_REJECTED("provider_rejected"),
    /** Exolve refused EXOLVE_API_KEY (401/403), or it is not set. */
    PROVIDER_AUTH("provider_auth"),
    /** No final response to our INVITE (Timer B), or no ACK for our 200. */
    TIMEOUT("timeout"),
    /** The carrier rejected our SIP credentials (a second 401/407). */
    AUTH_FAILED("auth_failed"),
    /** The SIP user agent could not send (socket down, not running). */
    NETWORK("network"),
    /** Any other final SIP response, or an unusable SDP answer; the code and reason are on the record. */
    OTHER("other"),

    // Media and session
    /** The far end offered no codec we speak (PCMU/PCMA). */
    CODEC_MISMATCH("codec_mismatch"),
    /** No RTP from the far end for RTP_TIMEOUT_S. */
    MEDIA_TIMEOUT("media_timeout"),
    /** The far end held the call longer than CALL_HOLD_TIMEOUT_S. */
    HOLD_TIMEOUT("hold_timeout"),
    /** No session refresh of ours (RFC 4028) succeeded before the session expired: we sent BYE. */
    SESSION_REFRESH_FAILED("session_refresh_failed"),

    // Answering machines
    /** AMD=local heard a machine and VOICEMAIL_ACTION=hangup. */
    ANSWERING_MACHINE("answering_machine"),
    /** The agent reported voicemail (its tool) and VOICEMAIL_ACTION=hangup. */
    VOICEMAIL("voicemail"),

    // The agent: ai.AgentCause, whose wire names these are
    AGENT_END_CALL(AgentCause.AGENT_END_CALL.wireName()),
    AGENT_ENDED(AgentCause.AGENT_ENDED.wireName()),
    AI_REJECTED(AgentCause.AI_REJECTED.wireName()),
    AI_SERVER_ERROR(AgentCause.AI_SERVER_ERROR.wireName()),
    AI_INPUT_TIMEOUT(AgentCause.AI_INPUT_TIMEOUT.wireName()),
    AI_OPERATIONAL_ERROR(AgentCause.AI_OPERATIONAL_ERROR.wireName()),
    AI_CONNECTION_LOST(AgentCause.AI_CONNECTION_LOST.wireName()),
    AI_CLOSED(AgentCause.AI_CLOSED.wireName()),
    AI_UNAUTHORIZED(AgentCause.AI_UNAUTHORIZED.wireName()),
    AI_NOT_FOUND(AgentCause.AI_NOT_FOUND.wireName()),
    AI_TIMEOUT(AgentCause.AI_TIMEOUT.wireName()),
    AI_UNREACHABLE(AgentCause.AI_UNREACHABLE.wireName()),
    AI_PROTOCOL(AgentCause.AI_PROTOCOL.wireName()),
    AI_UNSUPPORTED_FORMAT(AgentCause.AI_UNSUPPORTED_FORMAT.wireName()),

    // The SOCKS5 proxy (the causes of net.ProxyFailure), on the way to ElevenLabs or Exolve
    PROXY_UNREACHABLE("proxy_unreachable"),
    PROXY_AUTH_FAILED("proxy_auth_failed"),
    PROXY_TARGET_REFUSED("proxy_target_refused"),

    // Transfers
    /**
     * The call was handed to a person (TRANSFER_MODE bridge, or a REFER that succeeded), whoever ended it
     * afterwards.
     */
    TRANSFERRED("transferred"),

    // The service
    /** The call was live when the service stopped without hanging it up (a crash, a kill). */
    SERVICE_RESTART("service_restart"),
    /** A bug of ours while placing the call; the log has the trace. */
    INTERNAL_ERROR("internal_error"),
    /** Read from an old journal with a cause this version does not know, or none. */
    UNKNOWN("unknown");

    private final String wireName;

    EndCause(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The cause named {@code name}; {@link #UNKNOWN} for anything else, null included. */
    public static EndCause fromWire(String name) {
        for (EndCause cause : values()) {
            if (cause.wireName.equals(name)) {
                return cause;
            }
        }
        return UNKNOWN;
    }

    /** The agent's cause on the record. */
    public static EndCause of(AgentCause cause) {
        return switch (cause) {
            case AGENT_ENDED -> AGENT_ENDED;
            case AGENT_END_CALL -> AGENT_END_CALL;
            case AI_REJECTED -> AI_REJECTED;
            case AI_SERVER_ERROR -> AI_SERVER_ERROR;
            case AI_INPUT_TIMEOUT -> AI_INPUT_TIMEOUT;
            case AI_OPERATIONAL_ERROR -> AI_OPERATIONAL_ERROR;
            case AI_CONNECTION_LOST -> AI_CONNECTION_LOST;
            case AI_CLOSED -> AI_CLOSED;
            case AI_UNAUTHORIZED -> AI_UNAUTHORIZED;
            case AI_NOT_FOUND -> AI_NOT_FOUND;
            case AI_TIMEOUT -> AI_TIMEOUT;
            case AI_UNREACHABLE -> AI_UNREACHABLE;
            case AI_PROTOCOL -> AI_PROTOCOL;
            case AI_UNSUPPORTED_FORMAT -> AI_UNSUPPORTED_FORMAT;
        };
    }

    /** A failed INVITE's cause on the record. */
    public static EndCause of(FailureCause cause) {
        return switch (cause) {
            case BUSY -> BUSY;
            case DECLINED -> DECLINED;
            case NO_ANSWER, RING_TIMEOUT -> NO_ANSWER;
            case INVALID_NUMBER -> INVALID_NUMBER;
            case FORBIDDEN -> FORBIDDEN;
            case PROVIDER_ERROR -> PROVIDER_ERROR;
            case TIMEOUT -> TIMEOUT;
            case AUTH_FAILED -> AUTH_FAILED;
            case NETWORK -> NETWORK;
            case OTHER -> OTHER;
        };
    }
}
