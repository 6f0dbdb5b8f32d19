package io.voiceagent.sip;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code ;name=value} parameters after a header value or URI; names lower-cased, quotes kept. */
final class HeaderParams {
    private HeaderParams() {
    }

    /** Parses {@code ;a=b;c;d="x;y"}; a leading semicolon is optional. */
    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ';' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int nameStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != ';') {
                i++;
            }
            String name = text.substring(nameStart, i).strip().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && text.charAt(i) == '=') {
                i++;
                int valueStart = i;
                boolean quoted = false;
                while (i < n && (quoted || text.charAt(i) != ';')) {
                    char ch = text.charAt(i);
                    if (ch == '"') {
                        quoted = !quoted;
                    } else if (ch == '\\' && quoted) {
                        i++;
                    }
                    i++;
                }
                value = text.substring(valueStart, Math.min(i, n)).strip();
            }
            if (!name.isEmpty()) {
                out.put(name, value);
            }
        }
        return out;
    }

    static String format(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            sb.append(';').append(k);
            if (!v.isEmpty()) {
                sb.append('=').append(v);
            }
        });
        return sb.toString();
    }

    /** Removes surrounding quotes and backslash escapes from a quoted-string. */
    static String unquote(String value) {
        String v = value.strip();
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return v;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char ch = v.charAt(i);
            if (ch == '\\' && i + 1 < v.length() - 1) {
                ch = v.charAt(++i);
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
