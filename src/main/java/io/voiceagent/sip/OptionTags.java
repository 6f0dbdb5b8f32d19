package io.voiceagent.sip;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SIP extensions we speak (RFC 3261 §8.2.2.3, §19.2): {@code 100rel} (RFC 3262: we PRACK
 * reliable provisionals, and as UAS we send no provisional but 100, so a Require of it is met) and
 * {@code timer} (RFC 4028). A request that requires anything else is refused with 420.
 */
final class OptionTags {

    /** The value of our Supported header. */
    static final String SUPPORTED = "100rel, timer";
    private static final Set<String> KNOWN = Set.of("100rel", "timer");

    private OptionTags() {
    }

    /** The option tags {@code request} requires (Require, Proxy-Require is for proxies) that we lack. */
    static List<String> unsupported(SipMessage.Request request) {
        return request.headers().values("Require").stream()
                .filter(tag -> !KNOWN.contains(tag.strip().toLowerCase(Locale.ROOT)))
                .toList();
    }

    /** Whether {@code message} lists {@code tag} in its Require header. */
    static boolean requires(SipMessage message, String tag) {
        return message.headers().values("Require").stream().anyMatch(t -> t.strip().equalsIgnoreCase(tag));
    }
}
