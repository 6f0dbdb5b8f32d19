package io.voiceagent.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A campaign's progress as {@code campaign start} follows it: on a terminal one bar redrawn in place
 * ({@code \r}), otherwise a plain line whenever the counts change (for logs and pipes). Also the one-line
 * and detailed forms of {@code campaign list} and {@code campaign status}.
 */
final class CampaignProgress {
    private static final int BAR = 30;
    private static final String[] OUTCOMES = {"answered", "busy", "no_answer", "failed", "voicemail", "canceled",
            "do_not_call"};

    private final PrintStream out;
    private final boolean terminal;
    private String last = "";

    CampaignProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void show(Map<String, Object> status) {
        String summary = summary(status);
        // The estimate moves with every poll; a plain line is worth printing only when the counts change.
        String counts = terminal ? summary : summary.replaceFirst(", ends about .*$", "");
        if (counts.equals(last)) {
            return;
        }
        last = counts;
        if (terminal) {
            int contacts = number(status, "contacts");
            int finished = state(status, "done") + state(status, "not_called");
            int filled = contacts == 0 ? BAR : finished * BAR / contacts;
            // \033[K clears what a longer previous line left on the right
            out.print("\r[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + summary + "\033[K");
        } else {
            out.println(summary);
        }
        out.flush();
    }

    /** Ends the bar's line. */
    void done() {
        if (terminal && !last.isEmpty()) {
            out.println();
        }
    }

    /** {@code 12/50 done, 3 live, 4 waiting to retry · answered 9 busy 2 … · ETA …}. */
    static String summary(Map<String, Object> status) {
        StringBuilder s = new StringBuilder();
        s.append(state(status, "done") + state(status, "not_called")).append('/').append(number(status, "contacts"))
                .append(" done, ").append(number(status, "live_calls")).append(" live, ")
                .append(state(status, "retry_wait")).append(" to retry");
        StringJoiner outcomes = new StringJoiner(" ");
        for (String o : OUTCOMES) {
            int n = count(status, "outcomes", o);
            if (n > 0) {
                outcomes.add(o + " " + n);
            }
        }
        if (outcomes.length() > 0) {
            s.append(" · ").append(outcomes);
        }
        s.append(" · ").append(status.get("status"));
        Object dialing = status.get("dialing");
        if ("outside_window".equals(dialing)) {
            s.append(", outside the window until ").append(status.get("resumes_at"));
        } else if (status.get("estimated_finish_at") instanceof String eta && "running".equals(status.get("status"))) {
            s.append(", ends about ").append(eta);
        }
        return s.toString();
    }

    /** One line of {@code campaign list}. */
    static String line(Map<String, Object> campaign) {
        return campaign.get("id") + "  " + campaign.get("name") + "  " + summary(campaign);
    }

    /** {@code campaign status}: the summary and every count. */
    static String details(Map<String, Object> status) {
        StringBuilder s = new StringBuilder();
        s.append("Campaign ").append(status.get("id")).append(" (").append(status.get("name")).append("): ")
                .append(status.get("status")).append(", dialing ").append(status.get("dialing")).append('\n');
        s.append("  ").append(summary(status)).append('\n');
        s.append("  contacts ").append(status.get("contacts")).append(", duplicates merged ")
                .append(status.get("duplicates_merged")).append(", attempts ").append(status.get("attempts"))
                .append(", finished per minute ").append(status.get("finished_per_minute")).append('\n');
        if (status.get("resumes_at") != null) {
            s.append("  resumes at ").append(status.get("resumes_at")).append('\n');
        }
        return s.toString();
    }

    private static int state(Map<String, Object> status, String name) {
        return count(status, "states", name);
    }

    private static int count(Map<String, Object> status, String group, String name) {
        return status.get(group) instanceof Map<?, ?> m && m.get(name) instanceof Number n ? n.intValue() : 0;
    }

    private static int number(Map<String, Object> status, String name) {
        return status.get(name) instanceof Number n ? n.intValue() : 0;
    }
}
