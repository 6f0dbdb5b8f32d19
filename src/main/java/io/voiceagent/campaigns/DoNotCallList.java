package io.voiceagent.campaigns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The numbers nobody may call: DNC_FILE (default {@code DATA_DIR/dnc.txt}), one number per line in any
 * form the API takes ({@code #} starts a comment). The file is read again whenever its modification
 * time or size changes, so an operator may edit it while the service runs; {@code POST/DELETE /api/dnc}
 * rewrite it (to a temporary file renamed over it, mode 0600). A line that is not a number is logged and
 * skipped. Checked before every campaign attempt and every {@code /api/calls/start}.
 *
 * <p>Thread-safe: one lock, a leaf (file reads and writes happen under it; they are small).
 */
public final class DoNotCallList {
    private static final System.Logger LOG = System.getLogger(DoNotCallList.class.getName());

    private final Path file;
    private final Function<String, Optional<String>> normalize;
    private final ReentrantLock lock = new ReentrantLock();
    private Set<String> numbers = new TreeSet<>();
    private Optional<FileTime> loadedModified = Optional.empty();
    private long loadedSize = -1;

    /** @param normalize what people type → E.164 digits, empty when it is not a number */
    public DoNotCallList(Path file, Function<String, Optional<String>> normalize) {
        this.file = Objects.requireNonNull(file, "file");
        this.normalize = Objects.requireNonNull(normalize, "normalize");
    }

    public Path file() {
        return file;
    }

    /** Whether these E.164 digits may not be called. */
    public boolean contains(String digits) {
        lock.lock();
        try {
            reloadIfChanged();
            return numbers.contains(digits);
        } finally {
            lock.unlock();
        }
    }

    /** Every number on the list, sorted. */
    public List<String> numbers() {
        lock.lock();
        try {
            reloadIfChanged();
            return List.copyOf(numbers);
        } finally {
            lock.unlock();
        }
    }

    /** Adds numbers (E.164 digits) and rewrites the file; returns how many were new. */
    public int add(List<String> digits) throws IOException {
        return change(digits, true);
    }

    /** Removes numbers (E.164 digits) and rewrites the file; returns how many were on it. */
    public int remove(List<String> digits) throws IOException {
        return change(digits, false);
    }

    private int change(List<String> digits, boolean add) throws IOException {
        lock.lock();
        try {
            reloadIfChanged();
            Set<String> next = new TreeSet<>(numbers);
            int changed = 0;
            for (String d : digits) {
                changed += (add ? next.add(d) : next.remove(d)) ? 1 : 0;
            }
            if (changed > 0) {
                write(next);
                numbers = next;
            }
            return changed;
        } finally {
            lock.unlock();
        }
    }

    private void write(Set<String> next) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, String.join("\n", next) + (next.isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        loadedModified = Optional.of(Files.getLastModifiedTime(file));
        loadedSize = Files.size(file);
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (loadedModified.equals(Optional.of(modified)) && size == loadedSize) {
                return;
            }
            Set<String> read = new TreeSet<>();
            List<String> bad = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String text = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
                if (text.isBlank()) {
                    continue;
                }
                normalize.apply(text).ifPresentOrElse(read::add, () -> bad.add(text.strip()));
            }
            if (!bad.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "DNC_FILE " + file + ": " + bad.size()
                        + " line(s) are not phone numbers and are skipped, e.g. '" + bad.getFirst() + "'");
            }
            if (loadedModified.isPresent() || !read.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "do-not-call list " + file + ": " + read.size() + " number(s)");
            }
            numbers = read;
            loadedModified = Optional.of(modified);
            loadedSize = size;
        } catch (NoSuchFileException e) {
            numbers = new TreeSet<>();
            loadedModified = Optional.empty();
            loadedSize = -1;
        } catch (IOException e) {
            // The list as last read stays in force: a moment's read error must not clear it.
            LOG.log(System.Logger.Level.WARNING, "DNC_FILE " + file + " cannot be read (" + e.getMessage()
                    + "); the list as last read applies");
        }
    }
}
