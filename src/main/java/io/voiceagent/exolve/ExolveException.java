package io.voiceagent.exolve;

/**
 * A failed Exolve API request. {@link #causeCode()} is what goes on the call record: a {@link Failure}'s
 * wire name, or a {@code proxy_*} cause of the SOCKS5 proxy ({@code net.ProxyFailure}).
 */
public final class ExolveException extends Exception {

    /** Exolve's own failures, with their written-out wire names. */
    public enum Failure {
        /** The destination has no digits to dial. */
        INVALID_NUMBER("invalid_number"),
        /** Exolve failed: 5xx, no answer, no call id in its answer, or an interrupted request. */
        PROVIDER_ERROR("provider_error"),
        /** Exolve refused the request (4xx other than 401/403). */
        PROVIDER_REJECTED("provider_rejected"),
        /** Exolve refused EXOLVE_API_KEY (401/403), or it is not set. */
        PROVIDER_AUTH("provider_auth");

        private final String wireName;

        Failure(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final String cause;

    public ExolveException(Failure failure, String message) {
        this(failure.wireName(), message);
    }

    /** {@code proxyCause}: a {@code net.ProxyFailure}'s cause. */
    public ExolveException(String proxyCause, String message) {
        super(message);
        this.cause = proxyCause;
    }

    public String causeCode() {
        return cause;
    }

    /** Whether this is {@code failure}. */
    public boolean is(Failure failure) {
        return failure.wireName().equals(cause);
    }
}
