package io.voiceagent.sip;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Session timers (RFC 4028): the negotiated interval and who refreshes. The refresher re-INVITEs at
 * half the interval; the other side gives up (BYE) when no refresh came by
 * {@code interval - min(32 s, interval / 3)} (§10).
 */
record SessionTimer(int intervalSeconds, boolean weRefresh, OptionalInt minSe) {

    /** RFC 4028 §4: the lowest interval anyone may ask for. */
    static final int MIN_SE = 90;

    /** Terms from a 2xx to our INVITE (we are the UAC). */
    static Optional<SessionTimer> fromAnswer(SipMessage.Response response) {
        return header(response).map(h -> new SessionTimer(h.seconds, !"uas".equals(h.refresher), minSe(response)));
    }

    /**
     * Terms for our 2xx to an inbound (re-)INVITE or UPDATE that asks for a timer: the requester
     * refreshes unless it asked us to.
     */
    static Optional<SessionTimer> forRequest(SipMessage.Request request) {
        // A requester that does not support timers cannot refresh: then we must (§9).
        return header(request).map(h -> new SessionTimer(h.seconds,
                "uas".equals(h.refresher) || !supportsTimer(request), minSe(request)));
    }

    /** Whether the requester listed "timer" in Supported or Require, so our 2xx may Require it. */
    static boolean supportsTimer(SipMessage.Request request) {
        return java.util.stream.Stream.concat(request.headers().values("Supported").stream(),
                        request.headers().values("Require").stream())
                .anyMatch(option -> option.equalsIgnoreCase("timer"));
    }

    /** The Session-Expires value for our 2xx to a request with these terms. */
    String headerForAnswer() {
        return intervalSeconds + ";refresher=" + (weRefresh ? "uas" : "uac");
    }

    /** The Session-Expires value of a refresh we send (§7.4: we, its UAC, refresh again). */
    String headerForRefresh() {
        return intervalSeconds + ";refresher=uac";
    }

    /** The terms after a 422 (§7.4 / §6): at least the far end's Min-SE, which the retry must carry. */
    SessionTimer raisedTo(int minSeSeconds) {
        return new SessionTimer(Math.max(intervalSeconds, minSeSeconds), weRefresh, OptionalInt.of(minSeSeconds));
    }

    /** A Min-SE header's seconds (RFC 4028 §5), when present and sane. */
    static OptionalInt minSe(SipMessage message) {
        Optional<String> value = message.header("Min-SE");
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int seconds = Integer.parseInt(value.get().split(";", 2)[0].strip());
            return seconds > 0 ? OptionalInt.of(seconds) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    long refreshAfterMillis() {
        return intervalSeconds * 500L;
    }

    long expireAfterMillis() {
        return (intervalSeconds - Math.min(32, intervalSeconds / 3)) * 1000L;
    }

    private record Header(int seconds, String refresher) {
    }

    private static Optional<Header> header(SipMessage message) {
        Optional<String> value = message.header("Session-Expires");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get();
        int semi = v.indexOf(';');
        String seconds = (semi < 0 ? v : v.substring(0, semi)).strip();
        String refresher = semi < 0 ? "" : HeaderParams.parse(v.substring(semi)).getOrDefault("refresher", "");
        try {
            int s = Integer.parseInt(seconds);
            return s <= 0 ? Optional.empty() : Optional.of(new Header(s, refresher.toLowerCase(Locale.ROOT)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
