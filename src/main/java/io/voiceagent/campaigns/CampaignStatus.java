package io.voiceagent.campaigns;

import java.util.Optional;

/** A campaign's lifecycle: running and paused may change; completed and canceled are final. */
public enum CampaignStatus {
    RUNNING("running"),
    PAUSED("paused"),
    COMPLETED("completed"),
    CANCELED("canceled");

    private final String wireName;

    CampaignStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isFinal() {
        return this == COMPLETED || this == CANCELED;
    }

    public static Optional<CampaignStatus> fromWire(String name) {
        for (CampaignStatus s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
