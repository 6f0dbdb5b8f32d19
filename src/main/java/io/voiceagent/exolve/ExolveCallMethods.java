package io.voiceagent.exolve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Exolve API methods we call: each one's path and JSON body, and where its answer keeps what we
 * need. Kept together because Exolve has several call methods (MakeCall, MakeCallback, voice
 * messages) and the one used may change; nothing else in the client knows a path or a field name.
 *
 * <p>Followed: docs.exolve.ru API reference (Call API / Callback API pages): every method is
 * {@code POST https://api.exolve.ru/<api>/v1/<Method>} with {@code Authorization: Bearer <API key>}
 * and a JSON body, and a call is identified by its {@code call_id} (uint64, so it may arrive as a
 * JSON number or string). The MakeCall body {@code source}/{@code destination} is the one the issue
 * specifies. The hang-up method's name is not in the pages we could read; {@code HangUp} with
 * {@code call_id} follows the same convention and is the first thing to check against a live account.
 */
final class ExolveCallMethods {

    /** One request: a path under EXOLVE_API_URL and its JSON body. */
    record Request(String name, String path, Map<String, Object> body) {
        Request {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
            body = Map.copyOf(body);
        }
    }

    private ExolveCallMethods() {
    }

    static Request makeCall(String sourceNumber, String destinationDigits) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", sourceNumber);
        body.put("destination", destinationDigits);
        return new Request("MakeCall", "/call/v1/MakeCall", body);
    }

    static Request hangup(String exolveCallId) {
        return new Request("HangUp", "/call/v1/HangUp", Map.of("call_id", exolveCallId));
    }

    /**
     * A read-only request that proves the key: Numbering API GetList returns reference data and
     * changes nothing. Only the auth outcome matters (401/403 or not), not the listing.
     */
    static Request keyCheck() {
        return new Request("GetList", "/number/v1/GetList", Map.of());
    }

    /** The call id in a MakeCall answer ({@code {"call_id": 4623...}}). */
    static Optional<String> callId(Map<String, Object> answer) {
        Object id = answer.get("call_id");
        return id == null || id.toString().isBlank() ? Optional.empty() : Optional.of(id.toString());
    }

    /**
     * Exolve's explanation in an error answer. Its methods are protobuf-defined (uint64, oneof) and
     * errors come as {@code {"code": n, "message": "..."}}; an {@code error} object is accepted too.
     */
    static Optional<String> errorMessage(Map<String, Object> answer) {
        if (answer.get("message") instanceof String m && !m.isBlank()) {
            return Optional.of(m);
        }
        if (answer.get("error") instanceof Map<?, ?> error && error.get("message") instanceof String m && !m.isBlank()) {
            return Optional.of(m);
        }
        if (answer.get("error") instanceof String m && !m.isBlank()) {
            return Optional.of(m);
        }
        return Optional.empty();
    }
}
