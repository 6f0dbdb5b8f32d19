package io.voiceagent.call;

/**
 * Why a call operation was refused. {@link Reason} maps one to one onto an HTTP status in the API,
 * so the API layer never has to guess from a message.
 */
public final class CallException extends Exception {
    public enum Reason {
        /** No such call id (404). */
        NOT_FOUND,
        /** The call has already ended (409). */
        ALREADY_ENDED,
        /** MAX_CONCURRENT_CALLS are live (429). */
        TOO_MANY_CALLS,
        /** Calls cannot be placed now: shutting down (503). */
        UNAVAILABLE,
        /** Our SIP registration is not (yet, or no longer) in place: nobody could reach us (503). */
        NOT_REGISTERED,
        /** The request is well-formed but cannot be done, e.g. DTMF before answer (409). */
        INVALID_STATE,
        /** A field value is wrong (400). */
        BAD_REQUEST,
        /** The journal cannot record the call, so it is not placed (503). */
        STORAGE_UNAVAILABLE,
        /** An Idempotency-Key already names a start with a different body (422). */
        IDEMPOTENCY_KEY_REUSED
    }

    private final Reason reason;

    public CallException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
