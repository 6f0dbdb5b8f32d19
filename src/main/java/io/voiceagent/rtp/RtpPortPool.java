package io.voiceagent.rtp;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Pairs of UDP ports from a configured range: RTP on an even port, RTCP on the odd one above it
 * (RFC 3550 section 11). The even port is drawn at random, so that a scanner cannot find live calls
 * by walking the range from its start, and a released port is no likelier than any other to be
 * handed out next. A pair with either port in use by another process is skipped.
 */
public final class RtpPortPool {

    /** The two bound sockets of one call; {@link #rtpPort()} is even, RTCP is on the next port. */
    public record Sockets(DatagramChannel rtp, DatagramChannel rtcp, int rtpPort) {
        public Sockets {
            Objects.requireNonNull(rtp, "rtp");
            Objects.requireNonNull(rtcp, "rtcp");
        }
    }

    /** Random draws before the pool falls back to walking the range from a random start. */
    private static final int RANDOM_ATTEMPTS = 16;

    private final InetAddress bindAddress;
    private final int firstPort;
    private final int pairCount;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final BitSet inUse;

    public RtpPortPool(InetAddress bindAddress, int portMin, int portMax, RandomGenerator random) {
        int first = portMin % 2 == 0 ? portMin : portMin + 1;
        if (first + 1 > portMax || portMin < 1 || portMax > 65535) {
            throw new IllegalArgumentException("no even RTP port with its RTCP port in range " + portMin + ".." + portMax);
        }
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.random = Objects.requireNonNull(random, "random");
        this.firstPort = first;
        this.pairCount = (portMax - 1 - first) / 2 + 1;
        this.inUse = new BitSet(pairCount);
    }

    /** Binds RTP and RTCP sockets on a free pair drawn at random. */
    public Sockets bind() throws IOException {
        lock.lock();
        try {
            for (int attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
                Sockets bound = tryBind(random.nextInt(pairCount));
                if (bound != null) {
                    return bound;
                }
            }
            int start = random.nextInt(pairCount);
            for (int i = 0; i < pairCount; i++) {
                Sockets bound = tryBind((start + i) % pairCount);
                if (bound != null) {
                    return bound;
                }
            }
        } finally {
            lock.unlock();
        }
        throw new IOException("no free RTP/RTCP port pair in " + firstPort + ".." + (firstPort + 2 * pairCount - 1)
                + " (RTP_PORT_MIN..RTP_PORT_MAX): too many calls or ports taken by other processes");
    }

    private Sockets tryBind(int index) throws IOException {
        if (inUse.get(index)) {
            return null;
        }
        int port = firstPort + 2 * index;
        DatagramChannel rtp = DatagramChannel.open();
        try {
            rtp.bind(new InetSocketAddress(bindAddress, port));
        } catch (BindException busy) {
            rtp.close();
            return null;
        }
        DatagramChannel rtcp = DatagramChannel.open();
        try {
            rtcp.bind(new InetSocketAddress(bindAddress, port + 1));
        } catch (BindException busy) {
            rtcp.close();
            rtp.close();
            return null;
        }
        inUse.set(index);
        return new Sockets(rtp, rtcp, port);
    }

    /** Gives back the pair whose RTP port is {@code rtpPort}, once both sockets are closed. */
    public void release(int rtpPort) {
        int index = (rtpPort - firstPort) / 2;
        if (rtpPort % 2 != 0 || index < 0 || index >= pairCount) {
            return;
        }
        lock.lock();
        try {
            inUse.clear(index);
        } finally {
            lock.unlock();
        }
    }

    public int inUse() {
        lock.lock();
        try {
            return inUse.cardinality();
        } finally {
            lock.unlock();
        }
    }
}
