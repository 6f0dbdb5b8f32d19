package io.voiceagent.api;

import io.voiceagent.call.CallService.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders metrics in the Prometheus text exposition format 0.0.4: one HELP and TYPE line per metric
 * name, then its samples, label values escaped.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    static String render(List<Metric> metrics) {
        Map<String, List<Metric>> byName = new LinkedHashMap<>();
        for (Metric m : metrics) {
            byName.computeIfAbsent(m.name(), k -> new java.util.ArrayList<>()).add(m);
        }
        StringBuilder out = new StringBuilder();
        byName.forEach((name, samples) -> {
            Metric first = samples.get(0);
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(first.help())).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(first.type()).append('\n');
            for (Metric sample : samples) {
                out.append(name).append(labels(sample.labels())).append(' ')
                        .append(number(sample.value())).append('\n');
            }
        });
        return out.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(labels).forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(k).append("=\"").append(escapeLabel(v)).append('"');
        });
        return out.append('}').toString();
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static String escapeHelp(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String text) {
        return escapeHelp(text).replace("\"", "\\\"");
    }
}
