package io.voiceagent.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The header fields of a SIP message in wire order. Names compare case-insensitively and compact
 * forms (RFC 3261 §7.3.3) are stored under their full names, so {@code v:} and {@code Via:} are one header.
 */
public record SipHeaders(List<Field> fields) {

    /** One header line as received or to be sent (a folded line is already joined). */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("i", "Call-ID"), Map.entry("m", "Contact"), Map.entry("e", "Content-Encoding"),
            Map.entry("l", "Content-Length"), Map.entry("c", "Content-Type"), Map.entry("f", "From"),
            Map.entry("s", "Subject"), Map.entry("k", "Supported"), Map.entry("t", "To"), Map.entry("v", "Via"),
            Map.entry("o", "Event"), Map.entry("r", "Refer-To"), Map.entry("b", "Referred-By"),
            Map.entry("u", "Allow-Events"), Map.entry("x", "Session-Expires"), Map.entry("a", "Accept-Contact"),
            Map.entry("j", "Reject-Contact"), Map.entry("d", "Request-Disposition"), Map.entry("y", "Identity"),
            Map.entry("n", "Identity-Info"));

    public SipHeaders {
        fields = List.copyOf(fields);
    }

    public static SipHeaders empty() {
        return new SipHeaders(List.of());
    }

    /** The full header name for a compact one; other names are returned unchanged. */
    public static String canonicalName(String name) {
        return name.length() == 1 ? COMPACT.getOrDefault(name.toLowerCase(Locale.ROOT), name) : name;
    }

    private static boolean same(String a, String b) {
        return canonicalName(a).equalsIgnoreCase(canonicalName(b));
    }

    public Optional<String> first(String name) {
        return fields.stream().filter(f -> same(f.name(), name)).map(Field::value).findFirst();
    }

    /** Every line of this header, values not split at commas. */
    public List<String> lines(String name) {
        return fields.stream().filter(f -> same(f.name(), name)).map(Field::value).toList();
    }

    /** Every value of a list header (Via, Route, Contact, Allow...), split at top-level commas. */
    public List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (String line : lines(name)) {
            out.addAll(splitList(line));
        }
        return out;
    }

    public boolean contains(String name) {
        return first(name).isPresent();
    }

    public SipHeaders with(String name, String value) {
        List<Field> copy = new ArrayList<>(fields);
        copy.add(new Field(canonicalName(name), value));
        return new SipHeaders(copy);
    }

    /** Replaces every line of {@code name} by one line with {@code value}, at the first one's position. */
    public SipHeaders replacing(String name, String value) {
        List<Field> copy = new ArrayList<>();
        boolean placed = false;
        for (Field f : fields) {
            if (same(f.name(), name)) {
                if (!placed) {
                    copy.add(new Field(canonicalName(name), value));
                    placed = true;
                }
            } else {
                copy.add(f);
            }
        }
        if (!placed) {
            copy.add(new Field(canonicalName(name), value));
        }
        return new SipHeaders(copy);
    }

    public SipHeaders without(String name) {
        return new SipHeaders(fields.stream().filter(f -> !same(f.name(), name)).toList());
    }

    /** Splits at commas that are outside quotes and angle brackets. */
    static List<String> splitList(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean angled = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted && ch == '\\' && i + 1 < line.length()) {
                current.append(ch).append(line.charAt(++i));
                continue;
            }
            if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == '<') {
                angled = true;
            } else if (!quoted && ch == '>') {
                angled = false;
            } else if (ch == ',' && !quoted && !angled) {
                addTrimmed(out, current);
                current.setLength(0);
                continue;
            }
            current.append(ch);
        }
        addTrimmed(out, current);
        return out;
    }

    private static void addTrimmed(List<String> out, StringBuilder value) {
        String v = value.toString().strip();
        if (!v.isEmpty()) {
            out.add(v);
        }
    }
}
