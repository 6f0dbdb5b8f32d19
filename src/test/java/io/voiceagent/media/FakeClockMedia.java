package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.rtp.RtpPacket;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A media engine on a fake clock for tests that play the far end (and strangers) with real UDP
 * sockets on loopback addresses: 127.0.0.1 is the phone's network, other 127/8 addresses are other
 * hosts (Linux routes the whole block to the loopback interface). Listener callbacks run inside the
 * tick that decides them ({@link InlineExecutor}).
 */
final class FakeClockMedia implements AutoCloseable {

    static final long MS = 1_000_000;

    final AtomicLong now = new AtomicLong(1_000_000 * MS);
    /** What the engine counts into. */
    final ServiceMetrics metrics = new ServiceMetrics();
    final MediaEngine engine;
    final RecordingListener listener = new RecordingListener();
    private final List<DatagramSocket> sockets = new ArrayList<>();

    FakeClockMedia(Duration mediaTimeout, Duration holdTimeout) {
        int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
        engine = TestMediaEngines.drivenByTest(new Config.Rtp(base, base + 40, mediaTimeout, holdTimeout, 0), now::get,
                new SplittableRandom(3), new InlineExecutor(), metrics);
    }

    /** A UDP socket on {@code ip} (a 127/8 address), closed with the harness. */
    DatagramSocket host(String ip) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
        socket.setSoTimeout(2000);
        sockets.add(socket);
        return socket;
    }

    static InetSocketAddress addressOf(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs the pacing clock's ticks for {@code millis} of fake time, the receive thread catching up at each step. */
    void advance(long millis) {
        TestMediaEngines.advance(engine, now, millis);
    }

    static void send(DatagramSocket from, RtpPacket packet, int toPort) throws IOException {
        sendBytes(from, packet.toBytes(), toPort);
    }

    static void sendBytes(DatagramSocket from, byte[] wire, int toPort) throws IOException {
        from.send(new DatagramPacket(wire, wire.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), toPort)));
    }

    /** Sends {@code count} packets of one source with consecutive numbers, each filled with {@code fill}. */
    static void stream(DatagramSocket from, int toPort, long ssrc, int firstSequence, int count, int fill)
            throws IOException {
        for (int i = 0; i < count; i++) {
            int sequence = (firstSequence + i) & 0xFFFF;
            send(from, RtpPacket.of(false, 0, sequence, 160L * sequence, ssrc, filled(160, fill)), toPort);
        }
    }

    /** Reads {@code count} datagrams, failing when they do not come. */
    static List<byte[]> receive(DatagramSocket socket, int count) throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] buffer = new byte[1500];
        for (int i = 0; i < count; i++) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            socket.receive(datagram);
            out.add(Arrays.copyOf(buffer, datagram.getLength()));
        }
        return out;
    }

    /** Datagrams already waiting on the socket, without waiting for more. */
    static List<byte[]> waiting(DatagramSocket socket) throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(1);
        List<byte[]> out = new ArrayList<>();
        try {
            while (true) {
                out.addAll(receive(socket, 1));
            }
        } catch (SocketTimeoutException drained) {
            return out;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000 * MS;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as("condition within 2 s").isTrue();
    }

    static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) value);
        return out;
    }

    /** Whether any chunk the agent heard starts with {@code value}. */
    boolean agentHeard(int value) {
        return listener.userAudio.stream().anyMatch(chunk -> chunk[0] == (byte) value);
    }

    @Override
    public void close() {
        engine.close();
        sockets.forEach(DatagramSocket::close);
    }
}
