package io.voiceagent.demo.ws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames a well-behaved client library would never send, written byte by byte, to check that the server
 * fails the connection with the close code RFC 6455 prescribes.
 */
class RawFramingTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private WebSocketServer server;

    @BeforeEach
    void start() throws IOException {
        server = WebSocketServer.start(new InetSocketAddress("127.0.0.1", 0),
                new WebSocketServer.Settings(4096, Duration.ofSeconds(5), Duration.ofMillis(500)),
                head -> HandshakeDecision.accept(new WebSocketListener() {
                    @Override
                    public void onText(WebSocketConnection connection, String text) {
                        connection.sendText(text);
                    }
                }));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void upgradeResponseCarriesTheAcceptValue() throws IOException {
        try (Socket socket = connect()) {
            String response = upgrade(socket, "13");
            assertThat(response).startsWith("HTTP/1.1 101").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }
    }

    @Test
    void unsupportedVersionIsAnswered426WithTheSupportedVersion() throws IOException {
        try (Socket socket = connect()) {
            String response = upgrade(socket, "8");
            assertThat(response).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13");
        }
    }

    @Test
    void maskedTextFrameIsDelivered() throws IOException {
        try (Socket socket = upgraded()) {
            socket.getOutputStream().write(clientFrame(0x81, "hello".getBytes(StandardCharsets.UTF_8), true));
            int[] header = readHeader(socket.getInputStream());
            assertThat(header[0]).isEqualTo(0x81);
            assertThat(new String(socket.getInputStream().readNBytes(header[1]), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }

    @Test
    void unmaskedClientFrameFailsWith1002() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0x81, "x".getBytes(StandardCharsets.UTF_8), false))).isEqualTo(1002);
    }

    @Test
    void invalidUtf8TextFailsWith1007() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0x81, new byte[]{(byte) 0xC3, (byte) 0x28}, true))).isEqualTo(1007);
    }

    @Test
    void aLoneNonAsciiByteAmongAsciiFailsWith1007() throws IOException {
        // One byte in, one replacement character out: as long as all-ASCII text, yet not UTF-8.
        assertThat(closeCodeAfter(clientFrame(0x81, new byte[]{'{', (byte) 0xFF, '}'}, true))).isEqualTo(1007);
    }

    @Test
    void textBeyondAsciiIsDeliveredAsSent() throws IOException {
        String text = "{\"text\":\"Здравствуйте, это голосовой помощник\"}";
        try (Socket socket = upgraded()) {
            socket.getOutputStream().write(clientFrame(0x81, text.getBytes(StandardCharsets.UTF_8), true));
            int[] header = readHeader(socket.getInputStream());
            assertThat(new String(socket.getInputStream().readNBytes(header[1]), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }

    @Test
    void continuationWithoutAMessageFailsWith1002() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0x80, "x".getBytes(StandardCharsets.UTF_8), true))).isEqualTo(1002);
    }

    @Test
    void reservedBitWithoutExtensionFailsWith1002() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0xC1, "x".getBytes(StandardCharsets.UTF_8), true))).isEqualTo(1002);
    }

    @Test
    void fragmentedPingFailsWith1002() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0x09, new byte[0], true))).isEqualTo(1002);
    }

    @Test
    void closeFrameWithOneBytePayloadFailsWith1002() throws IOException {
        assertThat(closeCodeAfter(clientFrame(0x88, new byte[]{3}, true))).isEqualTo(1002);
    }

    @Test
    void pingInterleavedInAFragmentedMessageIsAnsweredAndTheMessageCompletes() throws IOException {
        try (Socket socket = upgraded()) {
            OutputStream out = socket.getOutputStream();
            out.write(clientFrame(0x01, "ab".getBytes(StandardCharsets.UTF_8), true));
            out.write(clientFrame(0x89, "p".getBytes(StandardCharsets.UTF_8), true));
            out.write(clientFrame(0x80, "cd".getBytes(StandardCharsets.UTF_8), true));
            InputStream in = socket.getInputStream();
            int[] pong = readHeader(in);
            assertThat(pong[0]).isEqualTo(0x8A);
            assertThat(new String(in.readNBytes(pong[1]), StandardCharsets.UTF_8)).isEqualTo("p");
            int[] text = readHeader(in);
            assertThat(text[0]).isEqualTo(0x81);
            assertThat(new String(in.readNBytes(text[1]), StandardCharsets.UTF_8)).isEqualTo("abcd");
        }
    }

    private int closeCodeAfter(byte[] frame) throws IOException {
        try (Socket socket = upgraded()) {
            socket.getOutputStream().write(frame);
            InputStream in = socket.getInputStream();
            int[] header = readHeader(in);
            assertThat(header[0]).as("close frame").isEqualTo(0x88);
            byte[] payload = in.readNBytes(header[1]);
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private Socket upgraded() throws IOException {
        Socket socket = connect();
        assertThat(upgrade(socket, "13")).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static String upgrade(Socket socket, String version) throws IOException {
        String request = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] clientFrame(int firstByte, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        frame.write((masked ? 0x80 : 0) | payload.length);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        if (masked) {
            frame.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return frame.toByteArray();
    }

    /** Returns {first byte, payload length} of a server frame (servers never mask). */
    private static int[] readHeader(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int first = data.readUnsignedByte();
        int length = data.readUnsignedByte();
        assertThat(length & 0x80).as("server frames are unmasked").isZero();
        length &= 0x7F;
        if (length == 126) {
            length = data.readUnsignedShort();
        }
        return new int[]{first, length};
    }
}
