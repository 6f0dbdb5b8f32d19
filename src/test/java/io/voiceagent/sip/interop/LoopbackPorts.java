package io.voiceagent.sip.interop;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.random.RandomGenerator;

/**
 * Free UDP ports on loopback for the processes a test starts. A port found free can be taken by
 * someone else before the process binds it; callers that start processes retry on a bind failure.
 */
final class LoopbackPorts {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int LOW = 20_000;
    private static final int HIGH = 60_000;

    private LoopbackPorts() {
    }

    /** A port the kernel picked as free just now. */
    static int freeUdpPort() {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return probe.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot bind any UDP port on loopback", e);
        }
    }

    /**
     * The first of {@code count} consecutive free UDP ports, starting at an even number (RTP
     * convention, and what sipp's media port expects), chosen at random.
     */
    static int freeUdpRange(int count, RandomGenerator random) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = random.nextInt(LOW, HIGH) & ~1;
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free UDP ports on loopback");
    }

    /** Whether someone (the process under test) holds {@code port} on loopback or the wildcard. */
    static boolean isBound(int port) {
        return !allFree(port, 1);
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (DatagramSocket probe = new DatagramSocket(null)) {
                probe.bind(new InetSocketAddress(port));
            } catch (SocketException taken) {
                return false;
            }
        }
        return true;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }
}
