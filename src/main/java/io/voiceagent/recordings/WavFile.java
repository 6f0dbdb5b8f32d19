package io.voiceagent.recordings;

import io.voiceagent.config.Config.Recording.Format;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One recording's WAV file, written in whole {@link DirectWrites#BLOCK}s at block offsets, around the
 * page cache where the file system takes it ({@link DirectWrites}). The recording encodes its samples
 * straight into {@link #staged()} (after the header, at first); whole blocks go to the disk once
 * {@link #WRITE_BYTES} are staged, the rest stays for the next write; at the end the last block is
 * written filled up by a {@code JUNK} chunk, the RIFF chunk that readers skip, which is how
 * broadcast-WAV writers align their files: cutting the padding off instead made the kernel read and
 * zero that block through the page cache, for every call.
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
    /**
     * Staged bytes that make a write: 32 blocks, 4 s of 16-bit stereo, 8 s of G.711. Few, large
     * writes: each is a request the disk's driver announces to the device, which on a virtual machine
     * is an exit to the host (measured at 500 calls with 32 KiB writes: the announcements alone were
     * 2 % of a core), and each is waited for. The price is memory: this much per recorded call.
     */
    static final int WRITE_BYTES = 32 * DirectWrites.BLOCK;
    /** Room for a write's worth less a byte, a frame, and the {@code JUNK} chunk ending the last block. */
    static final int STAGED_CAPACITY = WRITE_BYTES + DirectWrites.BLOCK;

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
        staged.put(WavHeader.of(format, 0, 0));
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
        int whole = staged.position() / DirectWrites.BLOCK * DirectWrites.BLOCK;
        open();
        DirectWrites.write(channel, staged, whole, stagedAt);
        if (stagedAt == 0) {
            firstBlock.put(0, staged, 0, DirectWrites.BLOCK);
        }
        int rest = staged.position() - whole;
        staged.put(0, staged, whole, rest); // rest < a block <= whole: the two ranges do not overlap
        staged.position(rest);
        stagedAt += whole;
    }

    /**
     * Writes what is staged, its last block filled up by a {@code JUNK} chunk, then the final sizes,
     * and closes the file. A recording that staged no sample leaves no file.
     */
    void finish() throws IOException {
        if (stagedAt == 0 && staged.position() <= WavHeader.length(format)) {
            return;
        }
        try {
            open();
            long end = stagedAt + staged.position();
            int junk = (int) (DirectWrites.blocks(end + WavHeader.JUNK_HEADER) - end);
            ByteBuffer header = WavHeader.of(format, WavHeader.dataBytes(format, end), junk);
            if (stagedAt == 0) {
                staged.put(0, header, 0, header.limit());
            }
            WavHeader.putJunk(staged, junk);
            DirectWrites.write(channel, staged, staged.position(), stagedAt);
            if (stagedAt > 0) { // the sizes only once the samples they count are written
                firstBlock.put(0, header, 0, header.limit());
                DirectWrites.write(channel, firstBlock, DirectWrites.BLOCK, 0);
            }
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
     * still says no samples. Cuts the file to its whole stereo frames and writes their sizes into its
     * header; returns how long it plays, in milliseconds. A finished file's sizes are read, not
     * changed. Empty when the file is not a recording's WAV (too short, another header): it is left
     * as it is.
     */
    static OptionalLong mendUnfinished(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer start = ByteBuffer.allocate(WavHeader.length(Format.G711));
            while (start.hasRemaining() && channel.read(start, start.position()) > 0) {
                // a short read: read on
            }
            start.flip();
            Optional<Format> format = WavHeader.formatOf(start);
            if (format.isEmpty() || channel.size() < WavHeader.length(format.get())) {
                return OptionalLong.empty();
            }
            long dataBytes = WavHeader.dataBytesOf(format.get(), start);
            if (dataBytes == 0 || WavHeader.length(format.get()) + dataBytes > channel.size()) {
                dataBytes = WavHeader.dataBytes(format.get(), channel.size());
                channel.truncate(WavHeader.length(format.get()) + dataBytes);
                ByteBuffer header = WavHeader.of(format.get(), dataBytes, 0);
                while (header.hasRemaining()) {
                    channel.write(header, header.position());
                }
            }
            return OptionalLong.of(WavHeader.millis(dataBytes / WavHeader.bytesPerFrame(format.get())));
        }
    }

    private void open() throws IOException {
        if (channel == null) {
            channel = DirectWrites.create(path, false);
        }
    }
}
