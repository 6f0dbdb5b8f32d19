package io.voiceagent.campaigns;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** Told when a campaign is over (completed, or canceled with its last call ended): {@code campaign.completed}. */
@FunctionalInterface
public interface CampaignListener {
    CampaignListener NONE = (campaign, callbackUrl) -> { };

    /**
     * Called on the scheduler thread under the campaigns' lock; must only queue (the webhook outbox does).
     *
     * @param campaign    the campaign's status as {@code GET /api/campaigns/{id}} shows it
     * @param callbackUrl the campaign's own {@code callback_url}, if it named one
     */
    void finished(Map<String, Object> campaign, Optional<URI> callbackUrl);
}
