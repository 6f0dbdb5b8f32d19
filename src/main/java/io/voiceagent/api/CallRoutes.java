package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallException;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallService;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.campaigns.DoNotCallList;
import io.voiceagent.recordings.RecordingLibrary;
import io.voiceagent.sip.PhoneNumbers;
import io.voiceagent.webhooks.DeliveryLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code /api/calls/...}: place, hang up, list and inspect calls, send DTMF, transfer to a person. */
final class CallRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    /** RFC 4733 events 0-15; a modest cap keeps one request from queueing minutes of tones. */
    private static final Pattern DTMF = Pattern.compile("[0-9*#A-DwW]{1,64}");
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final CallService calls;
    private final Clock clock;
    private final DeliveryLog webhooks;
    private final RecordingLibrary recordings;
    private final Optional<DoNotCallList> doNotCall;

    CallRoutes(CallService calls, Clock clock, DeliveryLog webhooks, RecordingLibrary recordings,
               Optional<DoNotCallList> doNotCall) {
        this.doNotCall = Objects.requireNonNull(doNotCall, "doNotCall");
        this.recordings = Objects.requireNonNull(recordings, "recordings");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
    }

    List<Route> routes() {
        return List.of(
                Route.at("/api/calls/start", Access.TOKEN).post(this::start).build(),
                Route.at("/api/calls/hangup", Access.TOKEN).post(this::hangup).build(),
                Route.at("/api/calls", Access.TOKEN).get(this::list).build(),
                Route.at("/api/calls/{id}", Access.TOKEN).get(this::get).build(),
                Route.at("/api/calls/{id}/dtmf", Access.TOKEN).post(this::dtmf).build(),
                Route.at("/api/calls/{id}/transfer", Access.TOKEN).post(this::transfer).build());
    }

    /**
     * Places a call: 201. With an {@code Idempotency-Key} that already named a start in the last 24 h,
     * that call's record with 200 and nothing dialed; the same key with another body is refused (422); a
     * number on the do-not-call list is refused (403 {@code do_not_call}).
     */
    private ApiResponse start(ApiRequest request) throws ApiException, CallException {
        Optional<String> key = idempotencyKey(request);
        StartCallRequest start = StartCallBody.parse(request.jsonObject());
        if (doNotCall.filter(list -> list.contains(start.phoneNumber())).isPresent()) {
            throw new ApiException(403, "do_not_call", start.phoneNumber() + " is on the do-not-call list"
                    + " (DNC_FILE, /api/dnc)");
        }
        if (start.callbackUrl().isPresent() && !webhooks.acceptsCallbackUrls()) {
            throw ApiException.badRequest(StartCallBody.CALLBACK_URL + ": needs CALLBACK_SECRET set on the service"
                    + " (every delivery is signed with it)");
        }
        CallService.Started started = calls.start(recordings.withNotice(start), key);
        CallRecord record = started.record();
        return ApiResponse.json(started.placed() ? 201 : 200, record.toJson(clock.instant()))
                .withHeader("Location", "/api/calls/" + record.id());
    }

    private static Optional<String> idempotencyKey(ApiRequest request) throws ApiException {
        Optional<String> key = request.header(IDEMPOTENCY_KEY);
        if (key.isPresent() && !VISIBLE_ASCII.matcher(key.get()).matches()) {
            throw ApiException.badRequest(IDEMPOTENCY_KEY + ": expected 1 to 128 visible ASCII characters"
                    + " (no spaces), e.g. a UUID");
        }
        return key;
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
        Optional<Cursor> cursor = request.query("cursor").isEmpty() ? Optional.empty()
                : Optional.of(Cursor.parse(request.query("cursor").get()));
        List<CallRecord> all = calls.list(status, Integer.MAX_VALUE);
        List<CallRecord> rest = cursor.map(c -> c.after(all)).orElse(all);
        List<CallRecord> page = rest.subList(0, Math.min(limit, rest.size()));
        List<Object> records = page.stream().map(r -> (Object) r.toJson(clock.instant())).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("calls", records);
        body.put("count", records.size());
        body.put("next_cursor", rest.size() > limit ? Cursor.of(page.getLast()).encode() : null);
        return ApiResponse.json(200, body);
    }

    /**
     * Where a page of {@code GET /api/calls} ended: the last call shown. The next page starts after
     * that call in the list's order (newest first); when that call has since left memory, after the
     * calls created before it (ties broken by id, as the list orders them).
     */
    record Cursor(java.time.Instant createdAt, String id) {
        static Cursor of(CallRecord last) {
            return new Cursor(last.createdAt(), last.id());
        }

        String encode() {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (createdAt + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        static Cursor parse(String text) throws ApiException {
            try {
                String decoded = new String(java.util.Base64.getUrlDecoder().decode(text),
                        java.nio.charset.StandardCharsets.UTF_8);
                int bar = decoded.indexOf('|');
                return new Cursor(java.time.Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException | java.time.DateTimeException e) {
                throw ApiException.badRequest("cursor: not a next_cursor from a previous page of /api/calls");
            }
        }

        List<CallRecord> after(List<CallRecord> newestFirst) {
            for (int i = 0; i < newestFirst.size(); i++) {
                if (newestFirst.get(i).id().equals(id)) {
                    return newestFirst.subList(i + 1, newestFirst.size());
                }
            }
            return newestFirst.stream().filter(this::isAfter).toList();
        }

        /** In the list's order: created earlier, or at the same instant with a greater id. */
        private boolean isAfter(CallRecord r) {
            int byTime = r.createdAt().compareTo(createdAt);
            return byTime < 0 || byTime == 0 && r.id().compareTo(id) > 0;
        }
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

    /** {@code {"to": "+7 999 …"}}: hands the answered call to a person; 202, the record's {@code transfer} follows. */
    private ApiResponse transfer(ApiRequest request) throws ApiException, CallException {
        Map<String, Object> body = request.jsonObject();
        if (!(body.get("to") instanceof String typed)) {
            throw ApiException.badRequest("to: required, the person's number; " + PhoneNumbers.EXPECTED);
        }
        String digits = PhoneNumbers.toE164Digits(typed)
                .orElseThrow(() -> ApiException.badRequest("to: " + PhoneNumbers.EXPECTED));
        return record(calls.transfer(request.pathParameter("id"), digits), 202);
    }

    /** The record, with its webhook deliveries (event, state, attempts, last status). */
    private ApiResponse record(CallRecord record) {
        return record(record, 200);
    }

    private ApiResponse record(CallRecord record, int status) {
        Map<String, Object> json = new LinkedHashMap<>(record.toJson(clock.instant()));
        json.put("webhooks", webhooks.deliveries(record.id()));
        json.put("recording", recordings.describe(record.id()).orElse(null));
        return ApiResponse.json(status, json);
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
