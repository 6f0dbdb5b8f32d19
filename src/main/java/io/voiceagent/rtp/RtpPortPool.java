package io.voiceagent.rtp;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Even UDP ports for RTP from a configured range (RFC 3550 section 11: RTP on even ports, RTCP on
 * the next odd one). A port in use by another process is skipped; a released port is taken again
 * last, so a late packet of an ended call does not land in a new one.
 */
public final class RtpPortPool {

    private final InetAddress bindAddress;
    private final int firstPort;
    private final int portCount;
    private final ReentrantLock lock = new ReentrantLock();
    private final BitSet inUse;
    private int cursor;

    public RtpPortPool(InetAddress bindAddress, int portMin, int portMax) {
        int first = portMin % 2 == 0 ? portMin : portMin + 1;
        if (first > portMax || portMin < 1 || portMax > 65535) {
            throw new IllegalArgumentException("no even port in RTP range " + portMin + ".." + portMax);
        }
        this.bindAddress = bindAddress;
        this.firstPort = first;
        this.portCount = (portMax - first) / 2 + 1;
        this.inUse = new BitSet(portCount);
    }

    /** Binds a datagram channel on the next free even port. */
    public DatagramChannel bind() throws IOException {
        lock.lock();
        try {
            for (int attempt = 0; attempt < portCount; attempt++) {
                int index = cursor;
                cursor = (cursor + 1) % portCount;
                if (inUse.get(index)) {
                    continue;
                }
                DatagramChannel channel = DatagramChannel.open();
                try {
                    channel.bind(new InetSocketAddress(bindAddress, firstPort + 2 * index));
                    inUse.set(index);
                    return channel;
                } catch (BindException busy) {
                    channel.close();
                }
            }
        } finally {
            lock.unlock();
        }
        throw new IOException("no free even RTP port in " + firstPort + ".." + (firstPort + 2 * (portCount - 1))
                + " (RTP_PORT_MIN..RTP_PORT_MAX): too many calls or ports taken by other processes");
    }

    public void release(int port) {
        int index = (port - firstPort) / 2;
        if (port % 2 != 0 || index < 0 || index >= portCount) {
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
