package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallService;
import io.voiceagent.metrics.MetricsRegistry;
import io.voiceagent.metrics.ServiceMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code /health} for load balancers and systemd watchers, {@code /metrics} for Prometheus. */
final class OperationsRoutes {
    private final CallService calls;
    private final ServiceMetrics metrics;

    OperationsRoutes(CallService calls, ServiceMetrics metrics) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    List<Route> routes() {
        return List.of(
                Route.at("/health", Access.PUBLIC).get(request -> health()).build(),
                Route.at("/metrics", Access.TOKEN).get(request -> metrics()).build());
    }

    private ApiResponse health() {
        CallService.Health health = calls.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.ready() ? "ok" : "unavailable");
        body.put("sip_registration", health.sipRegistration());
        body.put("active_calls", health.activeCalls());
        body.put("uptime_s", health.uptimeSeconds());
        health.reason().ifPresent(reason -> body.put("reason", reason));
        health.addressWarning().ifPresent(warning -> body.put("address_warning", warning));
        body.put("agent", health.agent().wireName());
        body.put("journal", health.journal().state().wireName());
        health.journal().error().ifPresent(error -> body.put("journal_error", error));
        body.put("journal_quarantined_lines", health.journal().quarantinedLines());
        return ApiResponse.json(health.ready() ? 200 : 503, body);
    }

    private ApiResponse metrics() {
        return ApiResponse.text(200, MetricsRegistry.CONTENT_TYPE, metrics.scrape());
    }
}
