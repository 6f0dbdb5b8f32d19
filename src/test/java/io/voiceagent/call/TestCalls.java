package io.voiceagent.call;

import java.util.Map;
import java.util.Optional;

/** The start requests tests make, and their starts without an idempotency key. */
public final class TestCalls {
    private TestCalls() {
    }

    /** A call to {@code phoneNumber} with nothing else: no overrides, callback URL or recording choice. */
    public static StartCallRequest request(String phoneNumber) {
        return new StartCallRequest(phoneNumber, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty());
    }

    /** Places {@code request} on {@code calls} without an idempotency key; returns its first record. */
    public static CallRecord start(CallService calls, StartCallRequest request) throws CallException {
        return calls.start(request, Optional.empty()).record();
    }
}
