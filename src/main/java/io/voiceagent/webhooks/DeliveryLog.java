package io.voiceagent.webhooks;

import io.voiceagent.call.CallService.Metric;
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

        @Override
        public List<Metric> metrics() {
            return List.of();
        }
    };

    /** Whether a call may name its own {@code callback_url} (only when CALLBACK_SECRET can sign it). */
    boolean acceptsCallbackUrls();

    /** A call's deliveries, one per event, in event order: state, attempts and last status. */
    List<Map<String, Object>> deliveries(String callId);

    /** {@code voiceagent_webhook_deliveries_total{result}} and the pending gauge. */
    List<Metric> metrics();
}
