package io.voiceagent.api;

import io.voiceagent.call.StartCallRequest;
import io.voiceagent.sip.PhoneNumbers;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the body of {@code POST /api/calls/start} into a {@link StartCallRequest}. Every refusal
 * names the field and says what was expected; unknown fields are refused so that a misspelt option
 * ({@code firstMessage}) is not silently ignored.
 */
final class StartCallBody {
    static final String PHONE_NUMBER = "phone_number";
    static final String CALLBACK_URL = "callback_url";
    private static final Set<String> FIELDS = Set.of(PHONE_NUMBER, "first_message", "prompt", "language",
            "dynamic_variables", "metadata", CALLBACK_URL, "record");
    /** An ISO 639 language, optionally with a region or script: {@code en}, {@code ru}, {@code pt-br}. */
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})?");
    private static final int MAX_TEXT = 20_000;
    /** Each of metadata and dynamic_variables, as JSON: they are kept on the record and in the journal. */
    static final int MAX_OBJECT_BYTES = 16 * 1024;

    private StartCallBody() {
    }

    static StartCallRequest parse(Map<String, Object> body) throws ApiException {
        for (String name : body.keySet()) {
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; expected "
                        + "phone_number, first_message, prompt, language, dynamic_variables, metadata, callback_url, record");
            }
        }
        if (!(body.get(PHONE_NUMBER) instanceof String typed)) {
            throw ApiException.badRequest(PHONE_NUMBER + ": required, a string such as \"+79990001122\"");
        }
        String digits = PhoneNumbers.toE164Digits(typed).orElseThrow(() -> ApiException.badRequest(
                PHONE_NUMBER + ": " + PhoneNumbers.EXPECTED));
        Optional<String> language = text(body, "language").map(l -> l.toLowerCase(Locale.ROOT));
        if (language.isPresent() && !LANGUAGE.matcher(language.get()).matches()) {
            throw ApiException.badRequest("language: expected a language code such as \"en\", \"ru\" or \"pt-br\"");
        }
        Map<String, Object> dynamicVariables = capped("dynamic_variables", dynamicVariables(body.get("dynamic_variables")));
        Map<String, Object> metadata = capped("metadata", metadata(body.get("metadata")));
        return new StartCallRequest(digits, text(body, "first_message"), text(body, "prompt"), language,
                dynamicVariables, metadata, callbackUrl(body), record(body.get("record")));
    }

    /** {@code record}: true or false records this call or not, whatever RECORDING says. */
    private static Optional<Boolean> record(Object value) throws ApiException {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        throw ApiException.badRequest("record: expected true or false");
    }

    /** An absolute http or https URL that receives this call's events instead of CALLBACK_URL. */
    private static Optional<java.net.URI> callbackUrl(Map<String, Object> body) throws ApiException {
        Optional<String> text = text(body, CALLBACK_URL);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            java.net.URI uri = new java.net.URI(text.get());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw ApiException.badRequest(CALLBACK_URL + ": expected an absolute http or https URL");
    }

    private static Map<String, Object> capped(String name, Map<String, Object> value) throws ApiException {
        int bytes = Json.write(value).length - 1;
        if (bytes > MAX_OBJECT_BYTES) {
            throw new ApiException(413, "payload_too_large", name + ": " + bytes + " bytes of JSON; at most "
                    + MAX_OBJECT_BYTES + " (16 KiB) per call");
        }
        return value;
    }

    /** An optional non-blank string field; null and absent mean "use the agent's default". */
    private static Optional<String> text(Map<String, Object> body, String name) throws ApiException {
        Object value = body.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest(name + ": expected a non-empty string");
        }
        if (s.length() > MAX_TEXT) {
            throw ApiException.badRequest(name + ": longer than " + MAX_TEXT + " characters");
        }
        return Optional.of(s);
    }

    private static Map<String, Object> dynamicVariables(Object value) throws ApiException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object("dynamic_variables", value).entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw ApiException.badRequest("dynamic_variables." + e.getKey()
                        + ": expected a string, number or boolean");
            }
            if (e.getKey().isBlank()) {
                throw ApiException.badRequest("dynamic_variables: names must not be empty");
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Free-form caller data, kept as sent; top-level nulls are dropped (they carry nothing). */
    private static Map<String, Object> metadata(Object value) throws ApiException {
        Map<String, Object> out = new LinkedHashMap<>();
        object("metadata", value).forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String name, Object value) throws ApiException {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw ApiException.badRequest(name + ": expected a JSON object");
    }
}
