package io.voiceagent.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a URL safe to print: the password of {@code user:password@} and the values of query parameters
 * whose names look like credentials ({@code token}, {@code key}, {@code secret}, {@code signature}, ...)
 * become {@code ****}. Works on text that is not a valid URL too, since it is used on values being
 * refused as well as on accepted ones.
 */
public final class UrlMasking {
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:]*):[^/?#@]*@");
    private static final Pattern QUERY_PARAMETER = Pattern.compile("([?&;])([^=&;#]*)=([^&;#]*)");
    private static final Pattern CREDENTIAL_NAME =
            Pattern.compile("(?i).*(token|key|secret|pass|pwd|sig|auth|credential|session).*");

    private UrlMasking() {
    }

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1:****@");
        Matcher m = QUERY_PARAMETER.matcher(masked);
        StringBuilder out = new StringBuilder(masked.length());
        while (m.find()) {
            String value = CREDENTIAL_NAME.matcher(m.group(2)).matches() ? "****" : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
