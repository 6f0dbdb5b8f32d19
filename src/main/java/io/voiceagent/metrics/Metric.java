package io.voiceagent.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** What every metric family has: a name, a help text, its label names, and a way to be written out. */
abstract sealed class Metric permits Counter, Gauge, Histogram {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    final String name;
    final String help;
    final List<String> labelNames;

    Metric(String name, String help, List<String> labelNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = List.copyOf(labelNames);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        for (String label : this.labelNames) {
            if (!LABEL.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
                throw new IllegalArgumentException("not a label name for " + name + ": " + label);
            }
        }
        if (help.isBlank()) {
            throw new IllegalArgumentException(name + " needs a help text");
        }
    }

    public String name() {
        return name;
    }

    /** The label values as a key, checked against the label names. */
    final List<String> key(String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + ", got "
                    + labelValues.length + " value(s)");
        }
        return List.of(labelValues);
    }

    /** Writes the family (HELP, TYPE and samples); nothing when it has no sample yet. */
    abstract void writeTo(PrometheusText out);
}
