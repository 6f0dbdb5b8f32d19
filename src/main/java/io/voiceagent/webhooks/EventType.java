package io.voiceagent.webhooks;

import java.util.Optional;

/**
 * The events a callback URL receives, by their wire names: a call's, in the order a call can produce them,
 * and a campaign's end (its id stands where a call's would in the outbox and the event id).
 */
public enum EventType {
    RINGING("call.ringing"),
    ANSWERED("call.answered"),
    /** A transfer attempt to a person settled (answered, referred, busy, no answer, failed, canceled): once per attempt. */
    TRANSFER("call.transfer"),
    ENDED("call.ended"),
    CAMPAIGN_COMPLETED("campaign.completed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWire(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
