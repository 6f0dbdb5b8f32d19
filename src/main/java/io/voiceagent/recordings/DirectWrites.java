package io.voiceagent.recordings;

import com.sun.nio.file.ExtendedOpenOption;
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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Files a recording writes in whole {@link #BLOCK}s at block offsets, around the page cache
 * ({@code O_DIRECT}) where the file system takes it, and never cut to a length inside a block.
 *
 * <p>Why: what goes through the page cache is flushed later by the kernel, for all calls at once.
 * Written through it, 500 recorded calls were flushed every 5 s in bursts of 80 MB that stole the
 * VM's CPUs from the real-time pacing clock. With only each call's last pages left there (its status
 * file, and the WAV cut back from its padded last block, which makes the kernel read and zero that
 * block), the clock on a core of its own was still late more often with recording in every pair
 * measured; without them, in three pairs of five (README, "Recording's cost", tenth look): they were
 * a part of the disk's cost to the clock, not all of it.
 */
final class DirectWrites {
    /** The unit of every write: a multiple of the block size of the file systems we meet. */
    static final int BLOCK = 4096;
    /** Said once per process: which recordings miss the direct writes, and why. */
    private static final AtomicBoolean THROUGH_PAGE_CACHE_LOGGED = new AtomicBoolean();
    /**
     * Per directory, whether its file system's blocks divide {@link #BLOCK}: asking reads the mount
     * table, and every recorded call creates two files in the same directory. A refusal of
     * {@code O_DIRECT} is not kept: it may have been a passing error of the open.
     */
    private static final Map<Path, Boolean> BLOCKS_DIVIDE = new ConcurrentHashMap<>();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private DirectWrites() {
    }

    /**
     * Creates the file (mode 0600) for writing around the page cache when its file system's blocks
     * divide {@link #BLOCK} and it accepts {@code O_DIRECT}, through the page cache otherwise;
     * {@code replace}: an existing file is emptied, else it is an error.
     */
    static FileChannel create(Path path, boolean replace) throws IOException {
        Set<OpenOption> options = replace
                ? Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
                : Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        Path directory = path.toAbsolutePath().getParent();
        Boolean blocksDivide = BLOCKS_DIVIDE.get(directory);
        if (blocksDivide == null) {
            blocksDivide = BLOCK % Files.getFileStore(directory).getBlockSize() == 0;
            BLOCKS_DIVIDE.put(directory, blocksDivide);
        }
        if (blocksDivide) {
            Set<OpenOption> direct = new HashSet<>(options);
            direct.add(ExtendedOpenOption.DIRECT);
            try {
                return FileChannel.open(path, direct, OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException refused) {
                // Refused by the file system (tmpfs before Linux 6.6, ramfs, some network file systems).
                // Linux creates the file before it refuses O_DIRECT: open what it created.
                if (!THROUGH_PAGE_CACHE_LOGGED.getAndSet(true)) {
                    RecordingWriter.LOG.log(System.Logger.Level.INFO, "recordings in " + directory
                            + " are written through the page cache: O_DIRECT refused (" + refused + ")");
                }
                if (Files.exists(path)) {
                    return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                }
            }
        }
        return FileChannel.open(path, options, OWNER_ONLY);
    }

    /** Writes the first {@code length} bytes of {@code from} (whole blocks) at {@code at}, a block offset. */
    static void write(FileChannel channel, ByteBuffer from, int length, long at) throws IOException {
        ByteBuffer bytes = from.duplicate().position(0).limit(length);
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    /** {@code length} rounded up to whole blocks. */
    static long blocks(long length) {
        return (length + BLOCK - 1) / BLOCK * BLOCK;
    }
}
