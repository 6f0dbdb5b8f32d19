package io.voiceagent.stun;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

/**
 * A STUN server written from RFC 5389 (§6 header, §7.3 request processing, §15.2 XOR-MAPPED-ADDRESS,
 * §15.5 FINGERPRINT), independent of the client under test: it answers each Binding request with
 * the source address it saw (or, to stand in for a NAT in front of a loopback test, the address
 * {@code mapping} turns it into), checks the magic cookie and a FINGERPRINT when there is one, and
 * silently drops everything else as §7.3 says. {@code main} runs it as its own process
 * (a network-namespace test): {@code StunResponder <address> <port>}.
 */
public final class StunResponder implements AutoCloseable {
    private static final int COOKIE = 0x2112A442;

    private final DatagramSocket socket;
    private final UnaryOperator<InetSocketAddress> mapping;
    private final Thread thread;
    private final Set<InetSocketAddress> answered = ConcurrentHashMap.newKeySet();
    private volatile boolean silent;

    private StunResponder(DatagramSocket socket, UnaryOperator<InetSocketAddress> mapping) {
        this.socket = socket;
        this.mapping = mapping;
        this.thread = Thread.ofVirtual().name("stun-responder").start(this::serve);
    }

    /** Answers with the source address as seen, like a real server. */
    public static StunResponder start(InetSocketAddress bind) throws SocketException {
        return start(bind, UnaryOperator.identity());
    }

    public static StunResponder start(InetSocketAddress bind, UnaryOperator<InetSocketAddress> mapping)
            throws SocketException {
        return new StunResponder(new DatagramSocket(bind), mapping);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * The sources whose Binding requests were answered so far. A set, not a count: a client under load
     * may retransmit before our answer reaches it (RFC 5389 §7.2.1), and that is correct behaviour.
     * A source is added before its answer is sent, so whoever has read the answer also sees it here.
     */
    public Set<InetSocketAddress> answered() {
        return Set.copyOf(answered);
    }

    /** From now on answer nothing, like a server behind a firewall. */
    public void goSilent() {
        silent = true;
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            byte[] response = answer(packet.getData(), packet.getLength(), (InetSocketAddress) packet.getSocketAddress());
            if (response == null || silent) {
                continue;
            }
            answered.add((InetSocketAddress) packet.getSocketAddress());
            try {
                socket.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The success response to a valid Binding request, else null (§7.3: not STUN, or not a request we serve). */
    private byte[] answer(byte[] data, int length, InetSocketAddress source) {
        if (length < 20 || (data[0] & 0xC0) != 0) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        int type = in.getShort(0) & 0xFFFF;
        int messageLength = in.getShort(2) & 0xFFFF;
        if (in.getInt(4) != COOKIE || messageLength + 20 != length || type != 0x0001) {
            return null;
        }
        for (int at = 20; at + 4 <= length; ) {
            int attribute = in.getShort(at) & 0xFFFF;
            int size = in.getShort(at + 2) & 0xFFFF;
            if (attribute == 0x8028) {
                CRC32 crc = new CRC32();
                crc.update(data, 0, at);
                if (size != 4 || in.getInt(at + 4) != ((int) crc.getValue() ^ 0x5354554E)) {
                    return null;
                }
            }
            at += 4 + ((size + 3) & ~3);
        }
        InetSocketAddress mapped = mapping.apply(source);
        byte[] address = mapped.getAddress().getAddress();
        ByteBuffer out = ByteBuffer.allocate(20 + 4 + 4 + address.length);
        out.putShort((short) 0x0101).putShort((short) (4 + 4 + address.length)).putInt(COOKIE);
        out.put(data, 8, 12);
        out.putShort((short) 0x0020).putShort((short) (4 + address.length));
        out.put((byte) 0).put((byte) (address.length == 4 ? 1 : 2)).putShort((short) (mapped.getPort() ^ (COOKIE >>> 16)));
        byte[] mask = ByteBuffer.allocate(16).putInt(COOKIE).put(data, 8, 12).array();
        for (int i = 0; i < address.length; i++) {
            out.put((byte) (address[i] ^ mask[i]));
        }
        return out.array();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        try (StunResponder responder = start(new InetSocketAddress(InetAddress.getByName(args[0]),
                Integer.parseInt(args[1])))) {
            System.out.println("STUN responder on " + responder.address());
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
