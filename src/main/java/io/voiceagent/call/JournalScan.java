package io.voiceagent.call;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One cheap pass over a journal file that reads only each line's head, as bytes: which calls it holds,
 * in the order they were started, how many lines each has, and which lines cannot be read. Parsing
 * every line of a 100,000-call journal takes many seconds; this pass lets a start parse only the calls
 * it keeps in memory, and compaction only the calls that changed since the last one.
 *
 * <p>It relies on how the journal writes lines: each starts with {@code {"id":"...} (a snapshot) or
 * {@code {"delta":"...}; in a snapshot only the record's own flat fields come before
 * {@code "transcript"} (no nested object, and quotes inside values are escaped), so a quoted name found
 * there is the record's field. Any other line is parsed to find out what it is.
 */
final class JournalScan {
    private static final String SNAPSHOT_HEAD = "{\"id\":\"";
    private static final String DELTA_HEAD = "{\"delta\":\"";
    private static final String ENDED_AT = "\"ended_at\":\"";
    private static final String CREATED_AT = "\"created_at\":\"";
    private static final String TRANSCRIPT = "\"transcript\":";
    private static final String APPENDS = "\"add\":{";
    private static final String KEY = "\"" + JournalLines.IDEMPOTENCY_KEY + "\":\"";

    /** What the scan learnt about one call. */
    static final class Call {
        final String id;
        long firstLine;
        int lines;
        boolean hasDeltas;
        /** False only when no line of the call carries an end time: then it may be live still. */
        boolean mayHaveEnded;
        long lastLine;
        /** The start time of a call whose first line carries an idempotency key. */
        Optional<String> keyedAt = Optional.empty();

        Call(String id) {
            this.id = id;
        }
    }

    /**
     * One line of the file, decoded as UTF-8 only when asked. Searches run on a Latin-1 view of the bytes
     * (one byte per char, so an ASCII pattern matches exactly where its bytes are), which the JDK's string
     * search handles many bytes at a time.
     */
    static final class Line {
        private final byte[] buffer;
        private final int start;
        private final int end;
        private final String bytes;

        private Line(byte[] buffer, int start, int end, String latin1) {
            this.buffer = buffer;
            this.start = start;
            this.end = end;
            this.bytes = latin1;
        }

        String text() {
            return new String(buffer, start, end - start, StandardCharsets.UTF_8);
        }

        /** The line's bytes with its newline. */
        byte[] bytesWithNewline() {
            byte[] out = Arrays.copyOfRange(buffer, start, end + 1);
            out[out.length - 1] = '\n';
            return out;
        }

        int length() {
            return end - start;
        }

        boolean contains(String asciiPattern) {
            return bytes.contains(asciiPattern);
        }

        /** A string field of a snapshot's flat part (before the transcript). */
        Optional<String> snapshotField(String quotedName) {
            int flatEnd = bytes.indexOf(TRANSCRIPT);
            int at = bytes.indexOf(quotedName);
            if (at < 0 || flatEnd >= 0 && at > flatEnd) {
                return Optional.empty();
            }
            int valueStart = at + quotedName.length();
            int valueEnd = bytes.indexOf('"', valueStart);
            return valueEnd < 0 ? Optional.empty()
                    : Optional.of(new String(buffer, start + valueStart, valueEnd - valueStart, StandardCharsets.UTF_8));
        }

        /** The head from the first field; empty when the line does not start as the journal writes. */
        Optional<JournalLines.Head> quickHead() {
            boolean delta = bytes.startsWith(DELTA_HEAD);
            if (!delta && !bytes.startsWith(SNAPSHOT_HEAD)) {
                return Optional.empty();
            }
            int idStart = delta ? DELTA_HEAD.length() : SNAPSHOT_HEAD.length();
            int idEnd = bytes.indexOf('"', idStart);
            if (idEnd <= idStart || bytes.lastIndexOf('\\', idEnd) >= idStart) {
                return Optional.empty();
            }
            return Optional.of(new JournalLines.Head(
                    new String(buffer, start + idStart, idEnd - idStart, StandardCharsets.UTF_8), delta));
        }

        JournalLines.Head head() throws JournalLines.UnreadableLine {
            Optional<JournalLines.Head> quick = quickHead();
            return quick.isPresent() ? quick.get() : JournalLines.head(text());
        }

        private boolean isBlank() {
            return bytes.isBlank();
        }
    }

    /** Receives each readable line of the second pass. */
    @FunctionalInterface
    interface LineVisitor {
        void visit(long lineNo, Line line, Call call) throws IOException;
    }

    final Map<String, Call> calls = new LinkedHashMap<>();
    /** The lines that cannot be read, by line number. */
    final Map<Long, String> unreadable = new LinkedHashMap<>();
    Optional<String> firstProblem = Optional.empty();
    /** The file's bytes up to its last newline: what is left once a torn last line is cut off. */
    long completeBytes;
    boolean tornTail;
    /** What a compacted journal would take, estimated as {@link JournalLines.Line#live} does. */
    long liveBytes;

    private JournalScan() {
    }

    static JournalScan of(Path file) throws IOException {
        JournalScan scan = new JournalScan();
        forEachLine(file, (no, line, complete) -> scan.learn(no, line, complete));
        return scan;
    }

    private void learn(long no, Line line, boolean complete) {
        if (complete) {
            completeBytes += line.length() + 1;
        } else {
            tornTail = true;
            markUnreadable(no, line.text(), "the last line was cut off (no newline)");
            return;
        }
        if (line.isBlank()) {
            return;
        }
        JournalLines.Head head;
        try {
            head = line.head();
        } catch (JournalLines.UnreadableLine e) {
            markUnreadable(no, line.text(), e.getMessage());
            return;
        }
        Call call = calls.get(head.callId());
        if (call == null && head.delta()) {
            markUnreadable(no, line.text(), "a change to call " + head.callId() + ", whose record is missing");
            return;
        }
        if (call == null) {
            call = new Call(head.callId());
            call.firstLine = no;
            calls.put(call.id, call);
            if (line.contains(KEY)) {
                call.keyedAt = line.snapshotField(CREATED_AT);
            }
        }
        call.lines++;
        call.hasDeltas |= head.delta();
        call.mayHaveEnded = call.mayHaveEnded || line.contains(ENDED_AT);
        call.lastLine = no;
        liveBytes += !head.delta() || line.contains(APPENDS) ? line.length() + 1 : 0;
    }

    /** The head of one line as the journal writes it (with or without its newline); empty if unreadable. */
    static Optional<JournalLines.Head> head(byte[] lineBytes) {
        int end = lineBytes.length > 0 && lineBytes[lineBytes.length - 1] == '\n'
                ? lineBytes.length - 1 : lineBytes.length;
        Line line = new Line(lineBytes, 0, end, new String(lineBytes, 0, end, StandardCharsets.ISO_8859_1));
        try {
            return Optional.of(line.head());
        } catch (JournalLines.UnreadableLine e) {
            return Optional.empty();
        }
    }

    /** The end time in a snapshot line, read without parsing it. */
    static Optional<String> endedAt(Line snapshot) {
        return snapshot.snapshotField(ENDED_AT);
    }

    /** Reads the file again and hands over each readable line with the call it belongs to. */
    void replay(Path file, LineVisitor visitor) throws IOException {
        replay(file, 0, visitor);
    }

    /** {@link #replay(Path, LineVisitor)} from line {@code fromLine} on: the lines before it are not read. */
    void replay(Path file, long fromLine, LineVisitor visitor) throws IOException {
        forEachLine(file, (no, line, complete) -> {
            if (no < fromLine || !complete || unreadable.containsKey(no) || line.isBlank()) {
                return;
            }
            try {
                visitor.visit(no, line, calls.get(line.head().callId()));
            } catch (JournalLines.UnreadableLine e) {
                throw new IllegalStateException("line " + no + " was readable in the first pass", e);
            }
        });
    }

    private void markUnreadable(long no, String line, String problem) {
        unreadable.put(no, line);
        if (firstProblem.isEmpty()) {
            firstProblem = Optional.of("line " + no + ": " + problem);
        }
    }

    @FunctionalInterface
    private interface RawVisitor {
        void visit(long lineNo, Line line, boolean complete) throws IOException;
    }

    /** Every line, numbered from 1; {@code complete} is false for a last line without a newline. */
    private static void forEachLine(Path file, RawVisitor visitor) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            int start = 0;
            int end = 0;
            long no = 0;
            while (true) {
                // A Latin-1 view of what is buffered: one char per byte, searched for newlines in bulk.
                String view = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                int from = 0;
                for (int newline = view.indexOf('\n'); newline >= 0; newline = view.indexOf('\n', from)) {
                    visitor.visit(++no, new Line(buffer, start + from, start + newline,
                            view.substring(from, newline)), true);
                    from = newline + 1;
                }
                start += from;
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int read = in.read(buffer, end, buffer.length - end);
                if (read < 0) {
                    if (end > start) {
                        visitor.visit(++no, new Line(buffer, start, end,
                                new String(buffer, start, end - start, StandardCharsets.ISO_8859_1)), false);
                    }
                    return;
                }
                end += read;
            }
        }
    }}
