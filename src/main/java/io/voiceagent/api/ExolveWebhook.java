package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallService;
import io.voiceagent.call.CallService.WebhookOutcome;
import io.voiceagent.config.Secret;
import io.voiceagent.exolve.ExolveEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /webhooks/exolve/callback}: Exolve's call events. The provider cannot send our API
 * token, so the route is public and guarded by its own shared secret (the {@code key} query
 * parameter or the {@code X-Webhook-Secret} header). Every outcome is a deliberate 2xx or 4xx:
 * a provider that sees 5xx retries, which is only wanted when we could not apply the event.
 */
final class ExolveWebhook {
    static final String SECRET_HEADER = "X-Webhook-Secret";
    private static final System.Logger LOG = System.getLogger(ExolveWebhook.class.getName());

    private final CallService calls;
    private final Optional<Secret> secret;

    ExolveWebhook(CallService calls, Optional<Secret> secret) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.secret = Objects.requireNonNull(secret, "secret").filter(s -> !s.isEmpty());
    }

    List<Route> routes() {
        return List.of(Route.at("/webhooks/exolve/callback", Access.PUBLIC).post(this::callback).build());
    }

    private ApiResponse callback(ApiRequest request) throws ApiException {
        if (secret.isPresent()) {
            String presented = request.header(SECRET_HEADER).or(() -> request.query("key")).orElse(null);
            if (!secret.get().matches(presented)) {
                throw new ApiException(401, "unauthorized",
                        "the webhook secret is missing or wrong (key query parameter or " + SECRET_HEADER + " header)");
            }
        }
        ExolveEvent event;
        try {
            event = ExolveEvent.parse(request.jsonObject());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (event instanceof ExolveEvent.Unknown) {
            // Exolve may add event types at any time: a new one is noted and answered 200, never refused.
            LOG.log(System.Logger.Level.INFO, "Exolve event " + event.type() + " is of a type this version does not"
                    + " know (call_id=" + event.callId().orElse("-") + "): ignored");
            return ApiResponse.json(200, Map.of("status", "ignored"));
        }
        WebhookOutcome outcome;
        try {
            outcome = calls.onExolveEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Exolve event type=" + event.type() + " call_id="
                    + event.callId().orElse("-") + " could not be applied", e);
            throw new ApiException(503, "unavailable", "the event could not be applied now; retry later");
        }
        return switch (outcome) {
            case APPLIED -> ApiResponse.json(200, Map.of("status", "applied"));
            case DUPLICATE -> ApiResponse.json(200, Map.of("status", "duplicate"));
            case UNKNOWN_CALL -> {
                LOG.log(System.Logger.Level.WARNING, "Exolve event type=" + event.type()
                        + " for unknown call call_id=" + event.callId().orElse("-")
                        + " call_sid=" + event.callSid().orElse("-") + ": ignored");
                yield ApiResponse.json(202, Map.of("status", "unknown_call"));
            }
        };
    }
}
