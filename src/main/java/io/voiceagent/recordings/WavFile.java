package io.voiceagent.recordings;

import com.sun.nio.file.ExtendedOpenOption;
import io.voiceagent.config.Config.Recording.Format;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One recording's WAV file, written in whole {@link #BLOCK}s at block offsets, around the page cache
 * ({@code O_DIRECT}) when the file system takes it, through it otherwise. The recording encodes its
 * samples straight into {@link #staged()} (after the header, at first); whole blocks go to the disk
 * once {@link #WRITE_BYTES} are staged, the rest stays for the next write; at the end the last block
 * is written padded and the file cut back to its length.
 *
 * <p>Why around the page cache: written through it, 500 recorded calls (16 MB/s) were flushed by the
 * kernel's writeback every 5 s in bursts of 80 MB, and on a virtual machine whose disk the host
 * serves on the same cores each burst stole the guest's CPUs for tens of milliseconds, the real-time
 * pacing clock included (README, "Recording's cost"). Written directly, each write goes to the disk
 * as it is made: 128 KiB per call every 4 s, an even load, and no page cache filling with
 * recordings nobody reads. The writer thread waits for each write.
 *
 * <p>The header's sizes are written once, at the end, into the first block kept in
 * {@link RecordingBuffers#firstBlock}: rewriting them while the call lasts was one request in six, and
 * a file cut short by a crash is mended at the next start instead ({@link #mendUnfinished}), from
 * its length. Only the writer thread touches a {@code WavFile}.
 */
final class WavFile {
    /** The unit of every write: a multiple of the block size of the file systems we meet. */
    static final int BLOCK = 4096;
    /**
     * Staged bytes that make a write: 32 blocks, 4 s of 16-bit stereo, 8 s of G.711. Few, large
     * writes: each is a request the disk's driver announces to the device, which on a virtual machine
     * is an exit to the host (measured at 500 calls with 32 KiB writes: the announcements alone were
     * 2 % of a core), and each is waited for. The price is memory: this much per recorded call.
     */
    static final int WRITE_BYTES = 32 * BLOCK;
    /** Room for a write's worth, a frame more, and the padding of the last block. */
    static final int STAGED_CAPACITY = WRITE_BYTES + BLOCK;
    /** Said once per process: which recordings miss the direct writes, and why. */
    private static final AtomicBoolean THROUGH_PAGE_CACHE_LOGGED = new AtomicBoolean();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path path;
    private final Format format;
    private final ByteBuffer staged;
    private final ByteBuffer firstBlock;
    private FileChannel channel;
    /** The file offset of {@link #staged}'s first byte: a whole number of blocks. */
    private long stagedAt;

    WavFile(Path path, Format format, RecordingBuffers buffers) {
        this.path = path;
        this.format = format;
        this.staged = buffers.staged.clear();
        this.firstBlock = buffers.firstBlock.clear();
        staged.put(WavHeader.of(format, 0));
    }

    /** Where the samples go, encoded, at its position: up to {@link #WRITE_BYTES} and a frame. */
    ByteBuffer staged() {
        return staged;
    }

    /** Sample bytes in the file: what was written in whole blocks, in whole stereo frames. */
    long dataBytesOnDisk() {
        return WavHeader.dataBytes(format, stagedAt);
    }

    /** Writes the whole blocks staged, once there are {@link #WRITE_BYTES}; keeps the rest staged. */
    void writeIfDue() throws IOException {
        if (staged.position() < WRITE_BYTES) {
            return;
        }
        int whole = staged.position() / BLOCK * BLOCK;
        open();
        write(staged, whole, stagedAt);
        if (stagedAt == 0) {
            firstBlock.put(0, staged, 0, BLOCK);
        }
        int rest = staged.position() - whole;
        staged.put(0, staged, whole, rest); // rest < BLOCK <= whole: the two ranges do not overlap
        staged.position(rest);
        stagedAt += whole;
    }

    /**
     * Writes what is staged (its last block padded with zeros, then cut off) and the final sizes,
     * and closes the file. A recording that staged no sample leaves no file.
     */
    void finish() throws IOException {
        if (stagedAt == 0 && staged.position() <= WavHeader.length(format)) {
            return;
        }
        try {
            open();
            long end = stagedAt + staged.position();
            ByteBuffer header = WavHeader.of(format, WavHeader.dataBytes(format, end));
            if (stagedAt == 0) {
                staged.put(0, header, 0, header.limit());
            }
            int padded = (staged.position() + BLOCK - 1) / BLOCK * BLOCK;
            for (int i = staged.position(); i < padded; i++) {
                staged.put(i, (byte) 0);
            }
            write(staged, padded, stagedAt);
            if (stagedAt > 0) { // the sizes only once the samples they count are written
                firstBlock.put(0, header, 0, header.limit());
                write(firstBlock, BLOCK, 0);
            }
            channel.truncate(end);
        } finally {
            close();
        }
    }

    /** Closes the file as it is (after a failure); idempotent. */
    void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to lose
        }
        channel = null;
    }

    /**
     * A recording the service did not finish (it stopped or crashed during the call): its header
     * still says no samples and its end may hold a block's padding. Cuts the file to its whole stereo
     * frames and writes their sizes into its header; returns how long it plays, in milliseconds. Empty
     * when the file is not a recording's WAV (too short, another header): it is left as it is.
     */
    static OptionalLong mendUnfinished(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer start = ByteBuffer.allocate(WavHeader.length(Format.G711));
            while (start.hasRemaining() && channel.read(start, start.position()) > 0) {
                // a short read: read on
            }
            Optional<Format> format = WavHeader.formatOf(start.flip());
            if (format.isEmpty() || channel.size() < WavHeader.length(format.get())) {
                return OptionalLong.empty();
            }
            long dataBytes = WavHeader.dataBytes(format.get(), channel.size());
            channel.truncate(WavHeader.length(format.get()) + dataBytes);
            ByteBuffer header = WavHeader.of(format.get(), dataBytes);
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
            return OptionalLong.of(WavHeader.millis(dataBytes / WavHeader.bytesPerFrame(format.get())));
        }
    }

    private void write(ByteBuffer from, int length, long at) throws IOException {
        ByteBuffer bytes = from.duplicate().position(0).limit(length);
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    /**
     * Creates the file (never over another) around the page cache when its file system's blocks
     * divide {@link #BLOCK} and it accepts {@code O_DIRECT}, through the page cache otherwise.
     */
    private void open() throws IOException {
        if (channel != null) {
            return;
        }
        if (BLOCK % Files.getFileStore(path.getParent()).getBlockSize() == 0) {
            try {
                channel = FileChannel.open(path, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT), OWNER_ONLY);
                return;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException refused) {
                // Refused by the file system (tmpfs before Linux 6.6, ramfs, some network file systems).
                // Linux creates the file before it refuses O_DIRECT: open what it created.
                if (!THROUGH_PAGE_CACHE_LOGGED.getAndSet(true)) {
                    RecordingWriter.LOG.log(System.Logger.Level.INFO, "recordings in " + path.getParent()
                            + " are written through the page cache: O_DIRECT refused (" + refused + ")");
                }
                if (Files.exists(path)) {
                    channel = FileChannel.open(path, StandardOpenOption.WRITE);
                    return;
                }
            }
        }
        channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
    }
}
