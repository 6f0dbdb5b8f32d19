package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallService;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code /debug/...}: what an engineer needs while bringing a trunk up. Off with DEBUG_ENDPOINTS=false. */
final class DebugRoutes {
    private final CallService calls;
    private final DebugOperations debug;

    DebugRoutes(CallService calls, DebugOperations debug) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.debug = Objects.requireNonNull(debug, "debug");
    }

    List<Route> routes() {
        return List.of(
                Route.at("/debug/sip", Access.DEBUG).get(request -> ApiResponse.json(200, debug.sip())).build(),
                Route.at("/debug/sip/register", Access.DEBUG).post(request -> {
                    debug.sipRegister();
                    return ApiResponse.json(202, Map.of("status", "registering"));
                }).build(),
                Route.at("/debug/calls/{id}/media", Access.DEBUG).get(this::media).build(),
                Route.at("/debug/ai/check", Access.DEBUG)
                        .post(request -> ApiResponse.json(200, debug.aiCheck())).build(),
                Route.at("/debug/exolve/check", Access.DEBUG)
                        .post(request -> ApiResponse.json(200, debug.exolveCheck())).build(),
                Route.at("/debug/proxy", Access.DEBUG).get(request -> ApiResponse.json(200, debug.proxy())).build());
    }

    private ApiResponse media(ApiRequest request) throws ApiException {
        String id = request.pathParameter("id");
        var live = calls.mediaDebug(id);
        if (live.isPresent()) {
            return ApiResponse.json(200, live.get());
        }
        var record = calls.find(id).orElseThrow(() -> CallRoutes.unknownCall(id));
        throw new ApiException(409, "not_live",
                "call '" + id + "' has no live media (status " + record.status().wireName() + ")");
    }
}
