package io.voiceagent.demo.ws;

/** WebSocket close status codes (RFC 6455 section 7.4.1) and the rule for which may appear on the wire. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reserved: reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Reserved: reported locally when the connection ended without a close frame; never sent. */
    public static final int ABNORMAL_CLOSURE = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }

    /** Whether a peer may put this code in a close frame (RFC 6455 7.4.1 and 7.4.2, IANA registry). */
    public static boolean isSendable(int code) {
        return switch (code) {
            case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014 -> true;
            default -> code >= 3000 && code <= 4999;
        };
    }
}
