package io.voiceagent.ai;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal RFC 6455 server on loopback for tests of the client's handshake and framing: it
 * answers the upgrade (or refuses it with a status, or never answers), then hands each connection
 * to a script. Not a fake of ElevenLabs' behaviour: the scripts play the agent's part.
 */
final class TestAgentPeer implements AutoCloseable {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    interface Script {
        void run(Connection connection) throws Exception;
    }

    enum Handshake { ACCEPT, SILENT }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int refusalStatus;
    private volatile Handshake handshake = Handshake.ACCEPT;
    private volatile Script script = connection -> { };

    record Request(String target, Map<String, String> headers) {
        URI uri() {
            return URI.create(target);
        }
    }

    TestAgentPeer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("test-agent-accept").start(this::acceptLoop);
    }

    URI url(String path) {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + path);
    }

    void refuseWith(int status) {
        refusalStatus = status;
    }

    void neverAnswer() {
        handshake = Handshake.SILENT;
    }

    void onConnection(Script script) {
        this.script = script;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                Thread.ofVirtual().name("test-agent-conn").start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Request request = readRequest(in);
            requests.add(request);
            if (handshake == Handshake.SILENT) {
                in.read();
                return;
            }
            if (refusalStatus != 0) {
                out.write(("HTTP/1.1 " + refusalStatus + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (request.headers().get("sec-websocket-key") + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Connection connection = new Connection(request, new DataInputStream(in), out);
            Thread.ofVirtual().name("test-agent-reader").start(connection::readLoop);
            script.run(connection);
            connection.closed.poll(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the client went away; the test's assertions tell what mattered
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        Map<String, String> headers = new TreeMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Request(requestLine.split(" ")[1], headers);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException();
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One accepted WebSocket; text messages from the client arrive in {@link #texts}. */
    static final class Connection {
        final Request request;
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        /** The client's close frame as "code reason", or "eof". */
        final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        private final DataInputStream in;
        private final OutputStream out;
        private final ReentrantLock writeLock = new ReentrantLock();

        Connection(Request request, DataInputStream in, OutputStream out) {
            this.request = request;
            this.in = in;
            this.out = out;
        }

        String nextText() throws InterruptedException {
            String text = texts.poll(5, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("no text message from the client within 5 s");
            }
            return text;
        }

        void sendText(String text) throws IOException {
            writeFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        /** The same message split over a text frame and continuation frames. */
        void sendFragmented(String text, int pieces) throws IOException {
            byte[] all = text.getBytes(StandardCharsets.UTF_8);
            int size = (all.length + pieces - 1) / pieces;
            for (int i = 0, at = 0; at < all.length; i++, at += size) {
                boolean last = at + size >= all.length;
                int opcode = i == 0 ? 0x1 : 0x0;
                byte[] piece = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + size));
                writeFrame((last ? 0x80 : 0) | opcode, piece);
            }
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            writeFrame(0x88, payload);
        }

        /** One write per frame: split writes meet Nagle and delayed ACKs and slow a burst down. */
        private void writeFrame(int first, byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
            frame.write(first);
            if (payload.length < 126) {
                frame.write(payload.length);
            } else if (payload.length < 65536) {
                frame.write(126);
                frame.write(payload.length >> 8);
                frame.write(payload.length);
            } else {
                frame.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) ((long) payload.length >> shift));
                }
            }
            frame.write(payload, 0, payload.length);
            writeLock.lock();
            try {
                out.write(frame.toByteArray());
                out.flush();
            } finally {
                writeLock.unlock();
            }
        }

        private void readLoop() {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            try {
                for (;;) {
                    int first = in.readUnsignedByte();
                    int second = in.readUnsignedByte();
                    long length = second & 0x7f;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] mask = new byte[4];
                    if ((second & 0x80) != 0) {
                        in.readFully(mask);
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    int opcode = first & 0x0f;
                    if (opcode == 0x8) {
                        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                        String reason = new String(payload, Math.min(2, payload.length),
                                Math.max(0, payload.length - 2), StandardCharsets.UTF_8);
                        closed.add(code + " " + reason);
                        writeFrame(0x88, java.util.Arrays.copyOf(payload, Math.min(2, payload.length)));
                        return;
                    }
                    if (opcode == 0x9) {
                        writeFrame(0x8A, payload);
                        continue;
                    }
                    message.write(payload);
                    if ((first & 0x80) != 0 && opcode != 0xA) {
                        texts.add(message.toString(StandardCharsets.UTF_8));
                        message.reset();
                    }
                }
            } catch (IOException e) {
                closed.add("eof");
            }
        }
    }
}
