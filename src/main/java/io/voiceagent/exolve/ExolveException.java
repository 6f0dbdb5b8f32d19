package io.voiceagent.exolve;

/** A failed Exolve API request; {@code cause} is {@code provider_auth}, {@code provider_error}, etc. */
public final class ExolveException extends Exception {
    private final String cause;

    public ExolveException(String cause, String message) {
        super(message);
        this.cause = cause;
    }

    public String causeCode() {
        return cause;
    }
}
