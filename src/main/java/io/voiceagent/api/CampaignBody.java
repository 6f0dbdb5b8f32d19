package io.voiceagent.api;

import io.voiceagent.call.StartCallRequest;
import io.voiceagent.campaigns.CallingWindow;
import io.voiceagent.campaigns.CampaignSettings;
import io.voiceagent.campaigns.Campaigns;
import io.voiceagent.campaigns.NewContact;
import io.voiceagent.campaigns.Outcome;
import io.voiceagent.campaigns.RetryPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates {@code POST /api/campaigns}: a JSON body ({@code name}, {@code contacts}, settings) or a CSV
 * body ({@code phone_number} column, every other column a dynamic variable; name and settings as query
 * parameters). Each contact is checked as a call start is ({@link StartCallBody}, {@link PhoneNumbers});
 * every bad row is reported with its line (CSV) or position (JSON, from 1) and the reason, and the
 * campaign is refused (422) while any is left. Rows naming a number already seen are merged into the
 * first (its dynamic variables win; the later row adds the ones it lacks) and counted.
 */
final class CampaignBody {
    /** At most this many bad rows are listed in a refusal (all are counted). */
    static final int ROWS_REPORTED = 1000;
    private static final Set<String> FIELDS = Set.of("name", "contacts", "max_concurrent", "calls_per_second",
            "window_start", "window_end", "days", "timezone", "retry", "stop_at", StartCallBody.CALLBACK_URL, "record");
    private static final int MAX_NAME = 200;

    record Parsed(String name, List<NewContact> contacts, int duplicates, CampaignSettings settings) {
    }

    private CampaignBody() {
    }

    @SuppressWarnings("unchecked")
    static Parsed json(Map<String, Object> body, int maxConcurrentLimit, Instant now) throws ApiException {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("unknown field '" + field + "'; expected one of " + new java.util.TreeSet<>(FIELDS));
            }
        }
        CampaignSettings settings = settings(body, maxConcurrentLimit, now);
        if (!(body.get("contacts") instanceof List<?> list) || list.isEmpty()) {
            throw ApiException.badRequest("contacts: required, a non-empty list of {\"phone_number\": …, "
                    + "\"dynamic_variables\": {…}}");
        }
        checkCount(list.size());
        Contacts contacts = new Contacts(settings);
        int position = 0;
        for (Object item : list) {
            position++;
            if (item instanceof Map<?, ?> contact) {
                contacts.add(position, (Map<String, Object>) contact);
            } else {
                contacts.refuse(position, "expected an object such as {\"phone_number\": \"+79990001122\"}");
            }
        }
        return contacts.parsed(name(body.get("name"), now), settings, "contacts[]: position from 1");
    }

    /** A CSV body: RFC 4180 (quotes, "" inside quotes, CRLF or LF), a header line first. */
    static Parsed csv(byte[] body, Map<String, Object> query, int maxConcurrentLimit, Instant now)
            throws ApiException {
        for (String field : query.keySet()) {
            if (!FIELDS.contains(field) && !field.startsWith("retry_")) {
                throw ApiException.badRequest("unknown parameter '" + field + "'");
            }
        }
        CampaignSettings settings = settings(query, maxConcurrentLimit, now);
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Csv.Row> rows = Csv.parse(text);
        if (rows.isEmpty()) {
            throw ApiException.badRequest("the CSV is empty; its first line names the columns, one of them phone_number");
        }
        List<String> header = rows.getFirst().cells().stream().map(String::strip).toList();
        int phone = header.indexOf(StartCallBody.PHONE_NUMBER);
        if (phone < 0) {
            throw ApiException.badRequest("the CSV's first line has no phone_number column: " + header);
        }
        checkCount(rows.size() - 1);
        Contacts contacts = new Contacts(settings);
        for (Csv.Row row : rows.subList(1, rows.size())) {
            if (row.cells().size() != header.size()) {
                contacts.refuse(row.line(), row.cells().size() + " columns where the header has " + header.size());
                continue;
            }
            Map<String, Object> variables = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (i != phone) {
                    variables.put(header.get(i), row.cells().get(i));
                }
            }
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put(StartCallBody.PHONE_NUMBER, row.cells().get(phone));
            contact.put("dynamic_variables", variables);
            contacts.add(row.line(), contact);
        }
        return contacts.parsed(name(query.get("name"), now), settings, "CSV line");
    }

    private static void checkCount(int n) throws ApiException {
        if (n > Campaigns.MAX_CONTACTS) {
            throw new ApiException(413, "too_many_contacts", n + " contacts; a campaign takes at most "
                    + Campaigns.MAX_CONTACTS);
        }
    }

    private static String name(Object value, Instant now) throws ApiException {
        if (value == null) {
            return "campaign " + now.toString().substring(0, 16).replace('T', ' ');
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > MAX_NAME) {
            throw ApiException.badRequest("name: expected a non-empty string of at most " + MAX_NAME + " characters");
        }
        return s.strip();
    }

    /** The contacts as they are validated: the good ones, merged by number, and the refused rows. */
    private static final class Contacts {
        private final CampaignSettings settings;
        private final Map<String, Integer> byNumber = new LinkedHashMap<>();
        private final List<NewContact> good = new ArrayList<>();
        private final List<Map<String, Object>> refused = new ArrayList<>();
        private int refusedCount;
        private int duplicates;

        Contacts(CampaignSettings settings) {
            this.settings = settings;
        }

        void add(int line, Map<String, Object> contact) {
            Map<String, Object> start = new LinkedHashMap<>(contact);
            settings.callbackUrl().ifPresent(url -> start.putIfAbsent(StartCallBody.CALLBACK_URL, url.toString()));
            settings.record().ifPresent(on -> start.putIfAbsent("record", on));
            StartCallRequest request;
            try {
                request = StartCallBody.parse(start);
            } catch (ApiException e) {
                refuse(line, e.getMessage());
                return;
            }
            Integer seen = byNumber.get(request.phoneNumber());
            if (seen == null) {
                byNumber.put(request.phoneNumber(), good.size());
                good.add(new NewContact(line, request));
                return;
            }
            duplicates++;
            NewContact first = good.get(seen);
            Map<String, Object> variables = new LinkedHashMap<>(request.dynamicVariables());
            variables.putAll(first.request().dynamicVariables());
            StartCallRequest f = first.request();
            good.set(seen, new NewContact(first.line(), new StartCallRequest(f.phoneNumber(), f.firstMessage(),
                    f.prompt(), f.language(), variables, f.metadata(), f.callbackUrl(), f.record())));
        }

        void refuse(int line, String reason) {
            refusedCount++;
            if (refused.size() < ROWS_REPORTED) {
                refused.add(Map.of("line", line, "error", reason));
            }
        }

        Parsed parsed(String name, CampaignSettings settings, String lineMeans) throws ApiException {
            if (refusedCount > 0) {
                throw new ApiException(422, "invalid_contacts", refusedCount + " contact(s) cannot be called ("
                        + lineMeans + "); fix or remove them and send the list again", Map.of(),
                        Map.of("invalid_count", refusedCount, "invalid", refused));
            }
            return new Parsed(name, List.copyOf(good), duplicates, settings);
        }
    }

    // ---- settings -------------------------------------------------------------------------------

    /** The settings from JSON values or query parameters (strings), each checked against its range. */
    @SuppressWarnings("unchecked")
    static CampaignSettings settings(Map<String, Object> in, int maxConcurrentLimit, Instant now)
            throws ApiException {
        int maxConcurrent = (int) number(in, "max_concurrent", Math.min(CampaignSettings.DEFAULT_MAX_CONCURRENT,
                maxConcurrentLimit), 1, maxConcurrentLimit,
                " (MAX_CONCURRENT_CALLS less a tenth, kept for calls started through the API)");
        double cps = number(in, "calls_per_second", CampaignSettings.DEFAULT_CPS, CampaignSettings.MIN_CPS,
                CampaignSettings.MAX_CPS, "");
        CallingWindow d = CallingWindow.DEFAULT;
        CallingWindow window;
        try {
            window = new CallingWindow(time(in, "window_start", d.start()), time(in, "window_end", d.end()),
                    text(in, "days").map(CallingWindow::parseDays).orElse(d.days()),
                    text(in, "timezone").map(ZoneId::of).orElse(d.zone()));
        } catch (DateTimeException e) {
            throw ApiException.badRequest("timezone: expected a zone such as Europe/Moscow (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("window: " + e.getMessage());
        }
        RetryPolicy retry = RetryPolicy.DEFAULT;
        Map<String, Object> rules = new LinkedHashMap<>();
        if (in.get("retry") instanceof Map<?, ?> m) {
            rules.putAll((Map<String, Object>) m);
        } else if (in.get("retry") != null) {
            throw ApiException.badRequest("retry: expected an object such as {\"busy\": {\"retries\": 2, \"delay_s\": 1800}}");
        }
        for (Map.Entry<String, Object> e : in.entrySet()) {
            if (e.getKey().startsWith("retry_")) {
                rules.put(e.getKey().substring("retry_".length()), e.getValue());
            }
        }
        for (Map.Entry<String, Object> e : rules.entrySet()) {
            Outcome outcome = Outcome.fromWire(e.getKey()).filter(RetryPolicy.RETRYABLE::contains).orElseThrow(() ->
                    ApiException.badRequest("retry: '" + e.getKey() + "' is not retried; expected busy, no_answer,"
                            + " failed or voicemail"));
            retry = retry.with(outcome, rule(e.getKey(), e.getValue(), retry.rules().get(outcome)));
        }
        Optional<Instant> stopAt = Optional.empty();
        if (text(in, "stop_at").isPresent()) {
            stopAt = Optional.of(instant(text(in, "stop_at").get()));
        }
        if (stopAt.isPresent() && stopAt.get().isBefore(now)) {
            throw ApiException.badRequest("stop_at: " + stopAt.get() + " has passed");
        }
        Optional<URI> callbackUrl = Optional.empty();
        if (in.get(StartCallBody.CALLBACK_URL) != null) {
            // the same check as a call's callback_url
            callbackUrl = StartCallBody.parse(Map.of(StartCallBody.PHONE_NUMBER, "+79990000000",
                    StartCallBody.CALLBACK_URL, in.get(StartCallBody.CALLBACK_URL))).callbackUrl();
        }
        Optional<Boolean> record = Optional.empty();
        Object r = in.get("record");
        if (r != null) {
            if (!(r instanceof Boolean) && !"true".equals(r) && !"false".equals(r)) {
                throw ApiException.badRequest("record: expected true or false");
            }
            record = Optional.of(r instanceof Boolean b ? b : Boolean.parseBoolean((String) r));
        }
        return new CampaignSettings(maxConcurrent, cps, window, retry, stopAt, callbackUrl, record);
    }

    /** {@code {"retries": 2, "delay_s": 1800}}, or as a query parameter {@code 2} or {@code 2:1800}. */
    @SuppressWarnings("unchecked")
    private static RetryPolicy.Rule rule(String outcome, Object value, RetryPolicy.Rule current) throws ApiException {
        String expected = "retry " + outcome + ": expected {\"retries\": 0-" + RetryPolicy.MAX_RETRIES + ", \"delay_s\": 0-"
                + RetryPolicy.MAX_DELAY.toSeconds() + "} (query: retry_" + outcome + "=RETRIES[:DELAY_S])";
        Map<String, Object> m;
        if (value instanceof Map<?, ?> map) {
            m = (Map<String, Object>) map;
        } else if (value instanceof String s) {
            String[] parts = s.split(":", 2);
            m = new LinkedHashMap<>();
            m.put("retries", parts[0]);
            if (parts.length == 2) {
                m.put("delay_s", parts[1]);
            }
        } else {
            throw ApiException.badRequest(expected);
        }
        try {
            long retries = Math.round(number(m, "retries", current.retries(), 0, RetryPolicy.MAX_RETRIES, ""));
            long delay = Math.round(number(m, "delay_s", current.delay().toSeconds(), 0,
                    RetryPolicy.MAX_DELAY.toSeconds(), ""));
            return new RetryPolicy.Rule((int) retries, Duration.ofSeconds(delay));
        } catch (ApiException e) {
            throw ApiException.badRequest(expected + "; " + e.getMessage());
        }
    }

    private static double number(Map<String, Object> in, String name, double otherwise, double min, double max,
                                 String why) throws ApiException {
        Object v = in.get(name);
        if (v == null) {
            return otherwise;
        }
        double n;
        try {
            n = v instanceof Number num ? num.doubleValue() : Double.parseDouble(String.valueOf(v).strip());
        } catch (NumberFormatException e) {
            n = Double.NaN;
        }
        if (!(n >= min && n <= max)) {
            throw ApiException.badRequest(name + ": expected a number from " + trim(min) + " to " + trim(max) + why
                    + ", not " + v);
        }
        return n;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static LocalTime time(Map<String, Object> in, String name, LocalTime otherwise) throws ApiException {
        Optional<String> t = text(in, name);
        try {
            return t.isEmpty() ? otherwise : CallingWindow.parseTime(t.get());
        } catch (DateTimeException e) {
            throw ApiException.badRequest(name + ": expected a time such as 09:00 (24:00 for the end of the day), not "
                    + t.get());
        }
    }

    private static Optional<String> text(Map<String, Object> in, String name) throws ApiException {
        Object v = in.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest(name + ": expected a non-empty string");
        }
        return Optional.of(s);
    }

    private static Instant instant(String text) throws ApiException {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.badRequest("stop_at: expected a time with its offset such as "
                    + "2026-12-01T18:00:00+03:00, not " + text);
        }
    }
}
