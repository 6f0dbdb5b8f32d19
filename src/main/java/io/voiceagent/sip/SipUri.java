package io.voiceagent.sip;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The parts of a sip:, sips: or tel: URI that routing needs (RFC 3261 §19.1). */
record SipUri(String scheme, String user, String host, OptionalInt port, Map<String, String> params) {

    static Optional<SipUri> parse(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        if (scheme.equals("tel")) {
            int semi = rest.indexOf(';');
            return Optional.of(new SipUri(scheme, semi < 0 ? rest : rest.substring(0, semi), "", OptionalInt.empty(),
                    semi < 0 ? Map.of() : HeaderParams.parse(rest.substring(semi))));
        }
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return Optional.empty();
        }
        int at = rest.lastIndexOf('@');
        int question = rest.indexOf('?', at + 1);
        if (question >= 0) {
            rest = rest.substring(0, question);
        }
        String user = "";
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int pw = userInfo.indexOf(':');
            user = pw < 0 ? userInfo : userInfo.substring(0, pw);
            rest = rest.substring(at + 1);
        }
        int semi = rest.indexOf(';');
        String hostPort = semi < 0 ? rest : rest.substring(0, semi);
        Map<String, String> params = semi < 0 ? Map.of() : HeaderParams.parse(rest.substring(semi));
        String finalUser = user;
        return HostPort.parse(hostPort).map(hp -> new SipUri(scheme, finalUser, hp.host(), hp.port(), params));
    }
}
