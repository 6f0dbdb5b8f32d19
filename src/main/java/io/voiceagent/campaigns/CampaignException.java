package io.voiceagent.campaigns;

/** Why a campaign operation was refused; the API maps each reason onto one HTTP status. */
public final class CampaignException extends Exception {
    public enum Reason {
        /** No such campaign (404). */
        NOT_FOUND,
        /** Not possible in the campaign's state, e.g. resuming a canceled one (409). */
        INVALID_STATE,
        /** The journal cannot record it (503). */
        STORAGE_UNAVAILABLE
    }

    private final Reason reason;

    public CampaignException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
