package io.voiceagent.api;

import java.util.Map;

/**
 * What the {@code /debug/} routes show and do below the call layer. Implemented by the wiring
 * module, which sees the SIP agent, the AI client, the Exolve client and the proxy. Every map is
 * returned as JSON as it is: implementations must mask secrets themselves.
 */
public interface DebugOperations {

    /** {@code GET /debug/sip}: registration state, recent SIP messages (Authorization masked), transaction counts. */
    Map<String, Object> sip();

    /** {@code POST /debug/sip/register}: starts a re-registration now and returns without waiting for it. */
    void sipRegister();

    /** {@code POST /debug/ai/check}: opens a conversation, reports its id and audio formats, closes it. */
    Map<String, Object> aiCheck();

    /** {@code POST /debug/exolve/check}: checks the Exolve API key with a harmless request. */
    Map<String, Object> exolveCheck();

    /** {@code GET /debug/proxy}: the proxy settings (masked) and the result of a test connection. */
    Map<String, Object> proxy();
}
