package io.voiceagent.sip;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The last SIP messages sent and received, for the debug endpoint, and each one logged at DEBUG (one
 * line: the formatter escapes its line breaks); credentials masked in both.
 */
final class MessageLog {
    private static final System.Logger LOG = System.getLogger(MessageLog.class.getName());

    record Entry(Instant at, String direction, String peer, String text) {
    }

    private static final Pattern CREDENTIALS = Pattern.compile(
            "(?im)^((?:Proxy-)?Authorization)[ \\t]*:[^\\r\\n]*$");

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    MessageLog(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    void record(String direction, String peer, String text) {
        Entry entry = new Entry(clock.instant(), direction, peer, mask(text));
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "SIP " + direction + " " + peer + ": " + entry.text());
        }
        lock.lock();
        try {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        } finally {
            lock.unlock();
        }
    }

    static String mask(String text) {
        return CREDENTIALS.matcher(text).replaceAll("$1: ****");
    }

    List<Map<String, Object>> snapshot() {
        List<Entry> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(entries);
        } finally {
            lock.unlock();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : copy) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("direction", e.direction());
            m.put("peer", e.peer());
            m.put("message", e.text());
            out.add(m);
        }
        return out;
    }
}
