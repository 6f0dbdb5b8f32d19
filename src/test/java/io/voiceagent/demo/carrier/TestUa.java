package io.voiceagent.demo.carrier;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately tiny SIP user agent for tests: it writes requests as raw strings shaped like the
 * RFC 3261 §24 examples and reads responses with regular expressions, so that it shares no code
 * with the carrier it checks.
 */
final class TestUa implements AutoCloseable {

    final DatagramSocket socket;
    final int port;
    private final InetSocketAddress carrier;

    TestUa(int carrierPort) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(3000);
        port = socket.getLocalPort();
        carrier = new InetSocketAddress("127.0.0.1", carrierPort);
    }

    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, carrier));
    }

    /** The next SIP message, or fails after the socket timeout. */
    String receive() throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    /** Skips messages until one whose first line contains {@code firstLinePart}. */
    String receiveUntil(String firstLinePart) throws IOException {
        for (int i = 0; i < 20; i++) {
            String message = receive();
            if (message.lines().findFirst().orElse("").contains(firstLinePart)) {
                return message;
            }
        }
        throw new AssertionError("no message with " + firstLinePart);
    }

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":\\s*(.*?)\\r?$").matcher(message);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in\n" + message);
        }
        return m.group(1);
    }

    static String param(String headerValue, String name) {
        Matcher m = Pattern.compile("(?i)[;,\\s]" + Pattern.quote(name) + "=\"?([^\";,]*)\"?").matcher(headerValue);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + headerValue);
        }
        return m.group(1);
    }

    static String body(String message) {
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    static String newBranch() {
        return "z9hG4bK" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The Authorization value answering {@code challenge} (RFC 2617 §3.2.2 with qop=auth). */
    static String authorization(String challenge, String user, String password, String method, String uri) {
        String realm = param(challenge, "realm");
        String nonce = param(challenge, "nonce");
        String opaque = param(challenge, "opaque");
        String cnonce = "0a4f113b";
        String nc = "00000001";
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        String response = md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=MD5, cnonce=\"" + cnonce + "\", opaque=\"" + opaque
                + "\", qop=auth, nc=" + nc;
    }

    static String contentLength(String body) {
        return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    InetAddress address() {
        return socket.getLocalAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
