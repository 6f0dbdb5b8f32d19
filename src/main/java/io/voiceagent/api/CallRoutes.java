package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallException;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallService;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code /api/calls/...}: place, hang up, list and inspect calls, send DTMF. */
final class CallRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    /** RFC 4733 events 0-15; a modest cap keeps one request from queueing minutes of tones. */
    private static final Pattern DTMF = Pattern.compile("[0-9*#A-DwW]{1,64}");

    private final CallService calls;
    private final Clock clock;

    CallRoutes(CallService calls, Clock clock) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    List<Route> routes() {
        return List.of(
                Route.at("/api/calls/start", Access.TOKEN).post(this::start).build(),
                Route.at("/api/calls/hangup", Access.TOKEN).post(this::hangup).build(),
                Route.at("/api/calls", Access.TOKEN).get(this::list).build(),
                Route.at("/api/calls/{id}", Access.TOKEN).get(this::get).build(),
                Route.at("/api/calls/{id}/dtmf", Access.TOKEN).post(this::dtmf).build());
    }

    private ApiResponse start(ApiRequest request) throws ApiException, CallException {
        StartCallRequest start = StartCallBody.parse(request.jsonObject());
        CallRecord record = calls.start(start);
        return ApiResponse.json(201, record.toJson(clock.instant()))
                .withHeader("Location", "/api/calls/" + record.id());
    }

    private ApiResponse hangup(ApiRequest request) throws ApiException, CallException {
        Map<String, Object> body = request.jsonObject();
        if (!(body.get("call_id") instanceof String id) || id.isBlank()) {
            throw ApiException.badRequest("call_id: required, the id returned by /api/calls/start");
        }
        return record(calls.hangup(id));
    }

    private ApiResponse list(ApiRequest request) throws ApiException {
        Optional<CallStatus> status = Optional.empty();
        Optional<String> statusName = request.query("status");
        if (statusName.isPresent()) {
            status = Optional.of(CallStatus.fromWire(statusName.get()).orElseThrow(() -> ApiException.badRequest(
                    "status: expected one of " + String.join(", ", statusNames()))));
        }
        int limit = limit(request.query("limit"));
        List<Object> records = calls.list(status, limit).stream()
                .map(r -> (Object) r.toJson(clock.instant()))
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("calls", records);
        body.put("count", records.size());
        return ApiResponse.json(200, body);
    }

    private ApiResponse get(ApiRequest request) throws ApiException {
        String id = request.pathParameter("id");
        return record(calls.find(id).orElseThrow(() -> unknownCall(id)));
    }

    private ApiResponse dtmf(ApiRequest request) throws ApiException, CallException {
        Map<String, Object> body = request.jsonObject();
        if (!(body.get("digits") instanceof String digits) || !DTMF.matcher(digits).matches()) {
            throw ApiException.badRequest("digits: expected 1 to 64 of 0-9, *, #, A-D, w, W (pauses), e.g. \"123#\"");
        }
        return record(calls.sendDtmf(request.pathParameter("id"), digits));
    }

    private ApiResponse record(CallRecord record) {
        return ApiResponse.json(200, record.toJson(clock.instant()));
    }

    static ApiException unknownCall(String id) {
        return ApiException.notFound("no call with id '" + id + "'");
    }

    private static int limit(Optional<String> value) throws ApiException {
        if (value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("limit: expected a whole number from 1 to " + MAX_LIMIT);
    }

    private static List<String> statusNames() {
        return java.util.Arrays.stream(CallStatus.values()).map(CallStatus::wireName).toList();
    }
}
