package io.voiceagent.webhooks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * A disk that a test can hold: while held, forcing a file to it blocks until it is released, as a slow
 * or stuck disk keeps an fsync waiting. Wraps the channels a journal's writer appends through.
 * Closing it releases the disk, so that a failed test still closes its journal.
 */
final class HeldDisk implements UnaryOperator<FileChannel>, AutoCloseable {
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch forcing = new CountDownLatch(1);
    private volatile boolean held;

    /** From now on a force waits for {@link #release}. */
    void hold() {
        held = true;
    }

    void release() {
        held = false;
        released.countDown();
    }

    /** Waits until a force is waiting for the disk. */
    void awaitForcing() throws InterruptedException {
        forcing.await();
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public FileChannel apply(FileChannel channel) {
        return new Held(channel);
    }

    private final class Held extends FileChannel {
        private final FileChannel disk;

        Held(FileChannel disk) {
            this.disk = disk;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (held) {
                forcing.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while the disk was held", e);
                }
            }
            disk.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return disk.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return disk.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return disk.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return disk.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return disk.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            disk.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return disk.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            disk.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return disk.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return disk.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return disk.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return disk.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return disk.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return disk.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return disk.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            disk.close();
        }
    }
}
