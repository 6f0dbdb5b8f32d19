package io.voiceagent.campaigns;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a campaign dials, checked by the API ({@code api.CampaignBody}) against the limits here and
 * {@link Campaigns#maxConcurrentLimit()}.
 *
 * @param maxConcurrent  its live calls at once, at most {@link Campaigns#maxConcurrentLimit()}
 * @param callsPerSecond how fast it starts calls, {@link #MIN_CPS} to {@link #MAX_CPS}
 * @param stopAt         after this nothing is dialed and the campaign completes once its live calls end
 * @param callbackUrl    receives its calls' events and {@code campaign.completed} instead of CALLBACK_URL
 * @param record         whether its calls are recorded, whatever RECORDING says
 */
public record CampaignSettings(int maxConcurrent, double callsPerSecond, CallingWindow window, RetryPolicy retry,
                               Optional<Instant> stopAt, Optional<URI> callbackUrl, Optional<Boolean> record) {
    public static final double DEFAULT_CPS = 1;
    public static final double MIN_CPS = 0.01;
    public static final double MAX_CPS = 50;
    /** What a campaign gets without {@code max_concurrent} (or the limit, when lower). */
    public static final int DEFAULT_MAX_CONCURRENT = 5;

    public CampaignSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(stopAt, "stopAt");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        Objects.requireNonNull(record, "record");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max_concurrent: expected at least 1");
        }
        if (!(callsPerSecond >= MIN_CPS && callsPerSecond <= MAX_CPS)) {
            throw new IllegalArgumentException("calls_per_second: expected " + MIN_CPS + " to " + MAX_CPS);
        }
    }

    /** The settings as the API shows them and the journal keeps them. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_concurrent", maxConcurrent);
        m.put("calls_per_second", callsPerSecond);
        m.putAll(window.toJson());
        m.put("retry", retry.toJson());
        m.put("stop_at", stopAt.map(Instant::toString).orElse(null));
        m.put("callback_url", callbackUrl.map(URI::toString).orElse(null));
        m.put("record", record.orElse(null));
        return m;
    }

    @SuppressWarnings("unchecked")
    static CampaignSettings fromJson(Map<String, Object> m) {
        return new CampaignSettings(((Number) m.get("max_concurrent")).intValue(),
                ((Number) m.get("calls_per_second")).doubleValue(), CallingWindow.fromJson(m),
                RetryPolicy.fromJson((Map<String, Object>) m.get("retry")),
                Optional.ofNullable((String) m.get("stop_at")).map(Instant::parse),
                Optional.ofNullable((String) m.get("callback_url")).map(URI::create),
                m.get("record") instanceof Boolean b ? Optional.of(b) : Optional.empty());
    }
}
