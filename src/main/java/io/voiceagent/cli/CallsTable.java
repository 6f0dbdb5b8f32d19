package io.voiceagent.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders call records as a plain aligned table, and one call's outcome as a phrase. */
final class CallsTable {
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final List<String> HEADER = List.of("ID", "CREATED", "NUMBER", "MODE", "STATUS", "TALK", "CAUSE");

    private CallsTable() {
    }

    static String render(List<Map<String, Object>> records) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Map<String, Object> r : records) {
            Instant created = CallFollower.instant(r.get("created_at"));
            rows.add(List.of(
                    text(r.get("id")),
                    created == null ? "" : CREATED.format(created),
                    "+" + text(r.get("phone_number")),
                    text(r.get("mode")),
                    text(r.get("status")),
                    seconds(r.get("duration_s")),
                    cause(r)));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i)));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** "talked 16.6 s, hung up by remote (normal_clearing)", or the SIP failure. */
    static String outcome(Map<String, Object> record) {
        List<String> parts = new ArrayList<>();
        if (record.get("answered_at") != null) {
            parts.add("talked " + seconds(record.get("duration_s")));
        }
        String by = text(record.get("hangup_by"));
        String cause = cause(record);
        if (!by.isEmpty()) {
            parts.add("ended by " + by + (cause.isEmpty() ? "" : " (" + cause + ")"));
        } else if (!cause.isEmpty()) {
            parts.add(cause);
        }
        return parts.isEmpty() ? "ended" : String.join(", ", parts);
    }

    private static String cause(Map<String, Object> record) {
        String cause = text(record.get("hangup_cause"));
        if (record.get("sip_code") instanceof Number code) {
            String sip = "SIP " + code + (record.get("sip_reason") instanceof String reason ? " " + reason : "");
            return cause.isEmpty() ? sip : cause + ", " + sip;
        }
        return cause;
    }

    private static String seconds(Object value) {
        return value instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1f s", n.doubleValue()) : "";
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
