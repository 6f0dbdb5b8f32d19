package io.voiceagent.call;

/** How the call's leg to the phone network is placed. */
public enum CallMode {
    /** Our own SIP INVITE through the Exolve proxy. */
    SIP("sip"),
    /** Exolve's MakeCall HTTP API; the audio then arrives as an inbound INVITE. */
    EXOLVE_HTTP("exolve_http");

    private final String wireName;

    CallMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static CallMode fromWire(String name) {
        return "exolve_http".equals(name) ? EXOLVE_HTTP : SIP;
    }
}
