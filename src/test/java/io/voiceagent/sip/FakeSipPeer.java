package io.voiceagent.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SIP peer on loopback for tests, written from RFC 3261 §8.2.6 and §17 with its own plain-text
 * handling (not our parser): it receives datagrams, and the test decides what to answer.
 */
final class FakeSipPeer implements AutoCloseable {

    /** A datagram as text, with the minimal header access a test needs. */
    record Received(String text, InetSocketAddress from) {

        String startLine() {
            return text.substring(0, text.indexOf("\r\n"));
        }

        boolean isRequest() {
            return !startLine().startsWith("SIP/2.0");
        }

        String method() {
            return startLine().split(" ")[0];
        }

        String requestUri() {
            return startLine().split(" ")[1];
        }

        int status() {
            return Integer.parseInt(startLine().split(" ")[1]);
        }

        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            String head = text.substring(0, text.indexOf("\r\n\r\n"));
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    out.add(line.substring(colon + 1).strip());
                }
            }
            return out;
        }

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? "" : all.get(0);
        }

        String body() {
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }

        String cseqMethod() {
            return header("CSeq").split(" ")[1];
        }

        long cseqNumber() {
            return Long.parseLong(header("CSeq").split(" ")[0]);
        }

        String branch() {
            String via = header("Via");
            int i = via.indexOf("branch=");
            String rest = via.substring(i + 7);
            int end = rest.indexOf(';');
            return end < 0 ? rest : rest.substring(0, end);
        }
    }

    private final DatagramSocket socket;
    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    private final Thread receiver;
    private final java.util.concurrent.atomic.AtomicInteger keepAlives = new java.util.concurrent.atomic.AtomicInteger();

    FakeSipPeer() throws SocketException {
        this(InetAddress.getLoopbackAddress());
    }

    /** A peer on another loopback address (127.0.0.2 and up reach this host too): another host to the agent. */
    FakeSipPeer(InetAddress bindAddress) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(bindAddress, 0));
        receiver = Thread.ofVirtual().start(this::receive);
    }

    int keepAlives() {
        return keepAlives.get();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void receive() {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (text.isBlank()) {
                keepAlives.incrementAndGet(); // RFC 5626 CRLF keep-alive
                continue;
            }
            inbox.add(new Received(text, (InetSocketAddress) packet.getSocketAddress()));
        }
    }

    /** The next request with {@code method}, skipping anything else (retransmissions, other requests). */
    Received awaitRequest(String method) throws InterruptedException {
        return await(r -> r.isRequest() && r.method().equals(method), "a " + method + " request");
    }

    Received awaitResponse(String cseqMethod, int status) throws InterruptedException {
        return await(r -> !r.isRequest() && r.cseqMethod().equals(cseqMethod) && r.status() == status,
                "a " + status + " response to " + cseqMethod);
    }

    Received await(java.util.function.Predicate<Received> match, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            long left = deadline - System.nanoTime();
            Received r = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("timed out waiting for " + what);
            }
            if (match.test(r)) {
                return r;
            }
        }
    }

    void send(String message, InetSocketAddress to) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** Answers {@code request} (RFC 3261 §8.2.6.2), adding a To tag when given and the request had none. */
    void respond(Received request, int status, String reason, Optional<String> toTag, List<String> extraHeaders,
                 String body) throws IOException {
        StringBuilder sb = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
        for (String via : request.headers("Via")) {
            sb.append("Via: ").append(via).append("\r\n");
        }
        sb.append("From: ").append(request.header("From")).append("\r\n");
        String to = request.header("To");
        if (toTag.isPresent() && !to.toLowerCase(Locale.ROOT).contains(";tag=")) {
            to = to + ";tag=" + toTag.get();
        }
        sb.append("To: ").append(to).append("\r\n");
        sb.append("Call-ID: ").append(request.header("Call-ID")).append("\r\n");
        sb.append("CSeq: ").append(request.header("CSeq")).append("\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        if (!body.isEmpty()) {
            sb.append("Content-Type: application/sdp\r\n");
        }
        sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
        sb.append(body);
        send(sb.toString(), request.from());
    }

    void respond(Received request, int status, String reason) throws IOException {
        respond(request, status, reason, Optional.of("peer1"), List.of(), "");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    @Override
    public void close() {
        socket.close();
        try {
            receiver.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
