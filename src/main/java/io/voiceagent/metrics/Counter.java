package io.voiceagent.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A count that only goes up, one per label set. A hot path keeps its {@link Child} and counts into a
 * {@code LongAdder}: no lock, no allocation, and threads counting at once do not contend.
 */
public final class Counter extends Metric {
    private final Map<List<String>, Child> children = new ConcurrentHashMap<>();
    /** A total its owner keeps and that only grows, read at scrape time instead of the children. */
    private volatile LongSupplier total;

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        if (labelNames.isEmpty()) {
            labels();
        }
    }

    /** The count of one label set, created at 0 on first use; keep it where counting is frequent. */
    public Child labels(String... labelValues) {
        return children.computeIfAbsent(key(labelValues), k -> new Child());
    }

    /** Counts one for a counter without labels. */
    public void inc() {
        labels().inc();
    }

    /** The current count of one label set (0 if never counted). */
    public long value(String... labelValues) {
        LongSupplier bound = total;
        if (bound != null) {
            return bound.getAsLong();
        }
        Child child = children.get(key(labelValues));
        return child == null ? 0 : child.value();
    }

    /**
     * Reads this counter (without labels) from {@code total} at scrape time: for a count its owner
     * already keeps at the event and that never goes down (the journal's write errors).
     */
    public void countedBy(LongSupplier total) {
        if (!labelNames.isEmpty()) {
            throw new IllegalStateException(name + " has labels: it cannot be read from one total");
        }
        this.total = Objects.requireNonNull(total, "total");
    }

    @Override
    void writeTo(PrometheusText out) {
        LongSupplier bound = total;
        if (bound != null) {
            out.family(name, help, "counter");
            out.sample(name, List.of(), List.of(), Long.toString(bound.getAsLong()));
            return;
        }
        if (children.isEmpty()) {
            return;
        }
        out.family(name, help, "counter");
        children.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(List::toString)))
                .forEach(e -> out.sample(name, labelNames, e.getKey(), Long.toString(e.getValue().value())));
    }

    /** One label set's count. */
    public static final class Child {
        private final LongAdder count = new LongAdder();

        private Child() {
        }

        public void inc() {
            count.increment();
        }

        /** Adds {@code n}, which may not be negative: a counter never goes down. */
        public void add(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("a counter cannot go down: " + n);
            }
            count.add(n);
        }

        public long value() {
            return count.sum();
        }
    }
}
