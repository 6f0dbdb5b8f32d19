package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.campaigns.CampaignException;
import io.voiceagent.campaigns.Campaigns;
import io.voiceagent.campaigns.DoNotCallList;
import io.voiceagent.sip.PhoneNumbers;
import io.voiceagent.webhooks.DeliveryLog;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /api/campaigns/...} (create from JSON or CSV, list, status, pause, resume, cancel, results as JSON
 * or CSV) and {@code /api/dnc} (the do-not-call list).
 */
final class CampaignRoutes {
    /** A campaign's contacts: 100,000 rows of a CSV with a few variables each. */
    static final int MAX_LIST_BYTES = 32 * 1024 * 1024;
    private static final List<String> RESULT_COLUMNS = List.of("line", "phone_number", "state", "last_outcome",
            "attempts", "call_ids", "duration_s", "hangup_cause", "transcript_lines", "next_attempt_at");

    private final Campaigns campaigns;
    private final DeliveryLog webhooks;
    private final Clock clock;

    CampaignRoutes(Campaigns campaigns, DeliveryLog webhooks, Clock clock) {
        this.campaigns = Objects.requireNonNull(campaigns, "campaigns");
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    List<Route> routes() {
        return List.of(
                Route.at("/api/campaigns", Access.TOKEN).get(r -> ApiResponse.json(200,
                        Map.of("campaigns", campaigns.list()))).post(this::create).takesLists(MAX_LIST_BYTES).build(),
                Route.at("/api/campaigns/{id}", Access.TOKEN).get(r -> answer(() -> campaigns.status(id(r)))).build(),
                Route.at("/api/campaigns/{id}/pause", Access.TOKEN).post(r -> answer(() -> campaigns.pause(id(r))))
                        .build(),
                Route.at("/api/campaigns/{id}/resume", Access.TOKEN).post(r -> answer(() -> campaigns.resume(id(r))))
                        .build(),
                Route.at("/api/campaigns/{id}/cancel", Access.TOKEN).post(this::cancel).build(),
                Route.at("/api/campaigns/{id}/results", Access.TOKEN).get(this::results).build(),
                Route.at("/api/dnc", Access.TOKEN).get(r -> dncList()).post(this::dncAdd).build(),
                Route.at("/api/dnc/{number}", Access.TOKEN).delete(this::dncRemove).build());
    }

    private static String id(ApiRequest request) {
        return request.pathParameter("id");
    }

    @FunctionalInterface
    private interface Operation {
        Map<String, Object> run() throws CampaignException;
    }

    private static ApiResponse answer(Operation operation) throws ApiException {
        try {
            return ApiResponse.json(200, operation.run());
        } catch (CampaignException e) {
            throw refusal(e);
        }
    }

    static ApiException refusal(CampaignException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case INVALID_STATE -> new ApiException(409, "invalid_state", e.getMessage());
            case STORAGE_UNAVAILABLE -> new ApiException(503, "storage_unavailable", e.getMessage());
        };
    }

    /** 201 with the new campaign's status; 422 listing the rows that cannot be called. */
    private ApiResponse create(ApiRequest request) throws ApiException {
        String type = request.header("Content-Type").orElse("").split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        CampaignBody.Parsed parsed;
        if (type.equals(HttpApi.CSV)) {
            parsed = CampaignBody.csv(request.body(), new LinkedHashMap<>(request.queryParameters()),
                    campaigns.maxConcurrentLimit(), clock.instant());
        } else {
            parsed = CampaignBody.json(request.jsonObject(), campaigns.maxConcurrentLimit(), clock.instant());
        }
        boolean ownUrls = parsed.settings().callbackUrl().isPresent()
                || parsed.contacts().stream().anyMatch(c -> c.request().callbackUrl().isPresent());
        if (ownUrls && !webhooks.acceptsCallbackUrls()) {
            throw ApiException.badRequest(StartCallBody.CALLBACK_URL + ": needs CALLBACK_SECRET set on the service"
                    + " (every delivery is signed with it)");
        }
        try {
            Map<String, Object> status = campaigns.create(parsed.name(), parsed.contacts(), parsed.duplicates(),
                    parsed.settings());
            return ApiResponse.json(201, status).withHeader("Location", "/api/campaigns/" + status.get("id"));
        } catch (CampaignException e) {
            throw refusal(e);
        }
    }

    private ApiResponse cancel(ApiRequest request) throws ApiException {
        String hangup = request.query("hangup").orElse("false");
        if (!hangup.equals("true") && !hangup.equals("false")) {
            throw ApiException.badRequest("hangup: expected true or false");
        }
        return answer(() -> campaigns.cancel(id(request), hangup.equals("true")));
    }

    /**
     * JSON, or CSV with {@code ?format=csv} or {@code Accept: text/csv}: one row per contact, its dynamic
     * variables as the last columns in the order they were first given (a CSV upload's own order).
     */
    private ApiResponse results(ApiRequest request) throws ApiException {
        List<Map<String, Object>> rows;
        try {
            rows = campaigns.results(id(request));
        } catch (CampaignException e) {
            throw refusal(e);
        }
        String format = request.query("format").orElse(
                request.header("Accept").filter(a -> a.contains(HttpApi.CSV)).isPresent() ? "csv" : "json");
        if (format.equals("json")) {
            return ApiResponse.json(200, Map.of("id", id(request), "results", rows));
        }
        if (!format.equals("csv")) {
            throw ApiException.badRequest("format: expected json or csv");
        }
        Set<String> variables = new java.util.LinkedHashSet<>();
        for (Map<String, Object> row : rows) {
            variables.addAll(variablesOf(row).keySet());
        }
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(RESULT_COLUMNS);
        header.addAll(variables);
        out.append(Csv.line(header));
        for (Map<String, Object> row : rows) {
            List<Object> cells = new ArrayList<>();
            for (String column : RESULT_COLUMNS) {
                Object value = row.get(column);
                cells.add(value instanceof List<?> list ? String.join(" ", list.stream().map(String::valueOf).toList())
                        : value);
            }
            Map<String, Object> vars = variablesOf(row);
            variables.forEach(v -> cells.add(vars.get(v)));
            out.append(Csv.line(cells));
        }
        return ApiResponse.text(200, "text/csv; charset=utf-8", out.toString())
                .withHeader("Content-Disposition", "attachment; filename=\"" + id(request) + ".csv\"");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variablesOf(Map<String, Object> row) {
        return (Map<String, Object>) row.getOrDefault("dynamic_variables", Map.of());
    }

    private ApiResponse dncList() {
        DoNotCallList dnc = campaigns.doNotCall();
        List<String> numbers = dnc.numbers();
        return ApiResponse.json(200, Map.of("numbers", numbers, "count", numbers.size()));
    }

    /** {@code {"numbers": ["+7 999 …", …]}} or {@code {"phone_number": "…"}}: 200 with how many were new. */
    private ApiResponse dncAdd(ApiRequest request) throws ApiException {
        Map<String, Object> body = request.jsonObject();
        List<Object> given = new ArrayList<>();
        if (body.get("numbers") instanceof List<?> list) {
            given.addAll(list);
        } else if (body.get(StartCallBody.PHONE_NUMBER) != null) {
            given.add(body.get(StartCallBody.PHONE_NUMBER));
        } else {
            throw ApiException.badRequest("expected {\"numbers\": [\"+79990001122\", …]} or {\"phone_number\": …}");
        }
        List<String> digits = new ArrayList<>();
        for (Object n : given) {
            if (!(n instanceof String s)) {
                throw ApiException.badRequest("numbers: expected strings such as \"+79990001122\"");
            }
            digits.add(PhoneNumbers.toE164Digits(s).orElseThrow(() -> ApiException.badRequest(
                    "'" + s + "': " + PhoneNumbers.EXPECTED)));
        }
        try {
            int added = campaigns.doNotCall().add(digits);
            return ApiResponse.json(200, Map.of("added", added, "count", campaigns.doNotCall().numbers().size()));
        } catch (IOException e) {
            throw new ApiException(503, "storage_unavailable", "the do-not-call list cannot be written: "
                    + e.getMessage());
        }
    }

    private ApiResponse dncRemove(ApiRequest request) throws ApiException {
        String typed = request.pathParameter("number");
        String digits = PhoneNumbers.toE164Digits(typed).orElseThrow(() -> ApiException.badRequest(
                "'" + typed + "': " + PhoneNumbers.EXPECTED));
        try {
            if (campaigns.doNotCall().remove(List.of(digits)) == 0) {
                throw ApiException.notFound(digits + " is not on the do-not-call list");
            }
            return ApiResponse.json(200, Map.of("removed", 1, "count", campaigns.doNotCall().numbers().size()));
        } catch (IOException e) {
            throw new ApiException(503, "storage_unavailable", "the do-not-call list cannot be written: "
                    + e.getMessage());
        }
    }
}
