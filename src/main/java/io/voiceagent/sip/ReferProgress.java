package io.voiceagent.sip;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code message/sipfrag} bodies of a REFER's NOTIFYs (RFC 3515 §2.4.5, RFC 3420): only the
 * status line of the far end's INVITE to the target matters to us.
 */
final class ReferProgress {

    record Sipfrag(int status, String reason) {
    }

    private static final Pattern STATUS_LINE = Pattern.compile("^\\s*SIP/2\\.0\\s+([1-6][0-9][0-9])\\s*([^\\r\\n]*)");

    private ReferProgress() {
    }

    /** The sipfrag's status line, or empty when the body has none ({@code SIP/2.0 200 OK}). */
    static Optional<Sipfrag> statusLine(String body) {
        Matcher m = STATUS_LINE.matcher(body);
        return m.find() ? Optional.of(new Sipfrag(Integer.parseInt(m.group(1)), m.group(2).strip()))
                : Optional.empty();
    }
}
