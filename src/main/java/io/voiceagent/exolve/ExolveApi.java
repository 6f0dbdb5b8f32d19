package io.voiceagent.exolve;

import java.util.Map;

/** The Exolve call API as we use it. */
public interface ExolveApi {

    /**
     * Asks Exolve to ring {@code destinationDigits} from EXOLVE_SOURCE_NUMBER and join it to our SIP ID
     * (EXOLVE_CALL_METHOD: MakeCallback by default, or MakeCall); returns Exolve's call id.
     */
    String makeCall(String destinationDigits) throws ExolveException;

    /** Ends a call Exolve placed. */
    void hangup(String exolveCallId) throws ExolveException;

    /** Checks the API key with a harmless request (debug endpoint); never throws. */
    Map<String, Object> check();
}
