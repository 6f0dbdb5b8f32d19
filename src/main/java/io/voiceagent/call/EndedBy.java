package io.voiceagent.call;

/** Who ended a call, as {@code hangup_by} on the record. Wire names are written out, never derived. */
public enum EndedBy {
    /** Our side on purpose: the API's hang-up, a shutdown, or giving up on a ringing phone. */
    US("us"),
    /** The phone's side: the callee, their network or the carrier (BYE, CANCEL, a final SIP response, Exolve). */
    REMOTE("remote"),
    /** The ElevenLabs agent: its end_call or voicemail tool, or its side of the conversation closing. */
    AGENT("agent"),
    /** The service itself, on a fault or a limit: timeouts, failures, AMD, a restart. */
    SYSTEM("system"),
    /** Read from an old journal with a value this version does not know, or none. */
    UNKNOWN("unknown");

    private final String wireName;

    EndedBy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The value for {@code name}; {@link #UNKNOWN} for anything else, null included. */
    public static EndedBy fromWire(String name) {
        for (EndedBy by : values()) {
            if (by.wireName.equals(name)) {
                return by;
            }
        }
        return UNKNOWN;
    }
}
