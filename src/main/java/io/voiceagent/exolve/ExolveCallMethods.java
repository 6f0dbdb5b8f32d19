package io.voiceagent.exolve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Exolve API methods we call: each one's path and JSON body, and where its answer keeps what we
 * need. Kept together because Exolve has several call methods (MakeCall, MakeCallback, voice
 * messages) and the one used may change; nothing else in the client knows a path or a field name.
 *
 * <p>Followed: docs.exolve.ru API reference (Call API / Callback API pages): every method is
 * {@code POST https://api.exolve.ru/<api>/v1/<Method>} with {@code Authorization: Bearer <API key>}
 * and a JSON body, and a call is identified by its {@code call_id} (uint64, so it may arrive as a
 * JSON number or string). MakeCallback is Exolve's documented way to join two parties, and several
 * independent integrations send exactly the body built here: {@code number_code} (our Exolve number,
 * an integer), an optional {@code callback_resource_id}, and {@code line_1}/{@code line_2}, each
 * {@code {"destinations":[{"number":"7…","timeout":30}],"display_number":"7…"}}. Exolve rings
 * line_1 and only once it answers rings line_2. The MakeCall body {@code source}/{@code destination}
 * appears in no public document we found; it is kept for accounts where it works. The hang-up method's name is not in the pages we could read; {@code HangUp} with
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

    /** Seconds Exolve rings each line of a MakeCallback before giving up on it. */
    static final int LINE_TIMEOUT_SECONDS = 30;

    /**
     * Exolve calls the customer first and, once the customer answers, our SIP ID, so our leg (the
     * inbound INVITE) only arrives with a live person on the line. The customer sees our number; our
     * SIP ID sees the customer's, so the INVITE names the call it belongs to.
     */
    static Request makeCallback(long ourNumber, OptionalLong callbackResourceId, String customerDigits,
                                String sipId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number_code", ourNumber);
        if (callbackResourceId.isPresent()) {
            body.put("callback_resource_id", callbackResourceId.getAsLong());
        }
        body.put("line_1", line(customerDigits, Long.toString(ourNumber)));
        body.put("line_2", line(sipId, customerDigits));
        return new Request("MakeCallback", "/call/v1/MakeCallback", body);
    }

    private static Map<String, Object> line(String number, String displayNumber) {
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("number", number);
        destination.put("timeout", LINE_TIMEOUT_SECONDS);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("destinations", List.of(destination));
        line.put("display_number", displayNumber);
        return line;
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

    /** The call id in a MakeCall or MakeCallback answer ({@code {"call_id": 4623...}}). */
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
