package io.voiceagent.webhooks;

import java.util.List;
import java.util.Map;

/** What the HTTP API shows of webhook deliveries. */
public interface DeliveryLog {
    /** Nothing configured: no deliveries, and calls may not name a {@code callback_url}. */
    DeliveryLog NONE = new DeliveryLog() {
        @Override
        public boolean acceptsCallbackUrls() {
            return false;
        }

        @Override
        public List<Map<String, Object>> deliveries(String callId) {
            return List.of();
        }
    };

    /** Whether a call may name its own {@code callback_url} (only when CALLBACK_SECRET can sign it). */
    boolean acceptsCallbackUrls();

    /** A call's deliveries, one per event, in event order: state, attempts and last status. */
    List<Map<String, Object>> deliveries(String callId);
}
