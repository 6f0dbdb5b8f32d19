package io.voiceagent.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How {@code java.net.http} reaches a SOCKS5 proxy it cannot speak to: a tiny HTTP proxy on
 * 127.0.0.1 that the {@code HttpClient} is given as its {@code ProxySelector}. For every connection
 * the client opens here, the tunnel opens the real target through SOCKS5 (jsocks, name resolved by
 * the proxy) and then copies bytes both ways:
 * <ul>
 *   <li>{@code CONNECT host:port} (https, wss, ws): answered 200 once the SOCKS5 connection is up,
 *       then a blind byte pipe, so TLS runs end to end between the client and the target and
 *       certificate checking stays in the client;</li>
 *   <li>an absolute-form request ({@code GET http://host/path}, what {@code java.net.http} sends
 *       for plain http through a proxy): forwarded as one request with {@code Connection: close}
 *       on both sides, so the client never reuses this connection for another host.</li>
 * </ul>
 * A failed SOCKS5 connection is answered with the {@link ProxyFailure}'s own 59x status, which is
 * what lets {@link ProxiedConnections#proxyFailureCause} name it. One virtual thread per direction.
 *
 * <p>The listener is bound to 127.0.0.1 on an ephemeral port and asks no credentials of its own
 * ({@code java.net.http} will not send Basic proxy auth on CONNECT by default), so while the service
 * runs another local process could borrow the proxy through it: do not share the host with
 * untrusted users.
 */
final class LoopbackHttpTunnel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LoopbackHttpTunnel.class.getName());
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int HEAD_READ_TIMEOUT_MS = 10_000;

    private final Socks5Connector connector;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);

    LoopbackHttpTunnel(Socks5Connector connector) throws IOException {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("socks-tunnel-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private void acceptLoop() {
        while (running.get()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("socks-tunnel-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (running.get()) {
                    LOG.log(System.Logger.Level.WARNING, "SOCKS tunnel accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        Socket target = null;
        try (client) {
            client.setSoTimeout(HEAD_READ_TIMEOUT_MS);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            List<String> head = readHead(fromClient);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.getFirst().split(" ");
            if (requestLine.length != 3) {
                answer(client, 400, "Bad Request", "malformed request line");
                return;
            }
            client.setSoTimeout(0);
            if (requestLine[0].equalsIgnoreCase("CONNECT")) {
                URI authority = URI.create("//" + requestLine[1]);
                target = open(client, authority.getHost(), authority.getPort());
                if (target != null) {
                    client.getOutputStream().write(
                            "HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    pipe(fromClient, client, target.getInputStream(), target);
                }
            } else {
                URI uri = URI.create(requestLine[1]);
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    answer(client, 400, "Bad Request", "only CONNECT and absolute http URIs are proxied");
                    return;
                }
                target = open(client, uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort());
                if (target != null) {
                    forward(requestLine, head, uri, fromClient, client, target);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "SOCKS tunnel connection ended: " + e);
        } finally {
            if (target != null) {
                closeQuietly(target);
                open.remove(target);
            }
            open.remove(client);
        }
    }

    /** The SOCKS5 connection to the target, or null once the client has been told why there is none. */
    private Socket open(Socket client, String host, int port) throws IOException {
        if (host == null || port <= 0) {
            answer(client, 400, "Bad Request", "target has no host or port");
            return null;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            Socket target = connector.connect(host, port);
            open.add(target);
            return target;
        } catch (ProxyConnectException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            ProxyFailure failure = e.failure();
            answer(client, failure.tunnelStatus(), failure.reasonPhrase(), e.getMessage());
            return null;
        }
    }

    private void forward(String[] requestLine, List<String> head, URI uri, InputStream fromClient,
                         Socket client, Socket target) throws IOException {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String originForm = path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        List<String> request = new ArrayList<>();
        request.add(requestLine[0] + " " + originForm + " " + requestLine[2]);
        request.addAll(withConnectionClose(head.subList(1, head.size())));
        target.getOutputStream().write(toBytes(request));

        Thread upload = Thread.ofVirtual().name("socks-tunnel-up").start(
                () -> copyThenClose(fromClient, target, client));
        InputStream fromTarget = new BufferedInputStream(target.getInputStream());
        List<String> response = readHead(fromTarget);
        if (!response.isEmpty()) {
            List<String> rewritten = new ArrayList<>();
            rewritten.add(response.getFirst());
            rewritten.addAll(withConnectionClose(response.subList(1, response.size())));
            client.getOutputStream().write(toBytes(rewritten));
            copyThenClose(fromTarget, client, target);
        }
        closeQuietly(target);
        joinQuietly(upload);
    }

    private void pipe(InputStream fromClient, Socket client, InputStream fromTarget, Socket target) {
        Thread upload = Thread.ofVirtual().name("socks-tunnel-up").start(
                () -> copyThenClose(fromClient, target, client));
        copyThenClose(fromTarget, client, target);
        joinQuietly(upload);
    }

    /**
     * Copies until either side ends, then closes both: jsocks' socket does not support half-close,
     * and neither HTTP/1.1 nor TLS over this tunnel needs it.
     */
    private static void copyThenClose(InputStream in, Socket to, Socket from) {
        try {
            in.transferTo(to.getOutputStream());
        } catch (IOException e) {
            // The peer went away; closing both sides below is all there is to do.
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static List<String> withConnectionClose(List<String> headers) {
        List<String> out = new ArrayList<>();
        for (String header : headers) {
            String name = header.contains(":")
                    ? header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
            if (!name.equals("connection") && !name.equals("proxy-connection")
                    && !name.equals("keep-alive") && !name.equals("proxy-authorization")) {
                out.add(header);
            }
        }
        out.add("Connection: close");
        return out;
    }

    /** Lines of an HTTP head up to the empty line; empty if the stream ended first. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return List.of();
            }
            bytes.write(b);
            if (bytes.size() > MAX_HEAD_BYTES) {
                throw new IOException("HTTP head over " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return List.of(text.substring(0, text.length() - 4).split("\r\n"));
    }

    private static byte[] toBytes(List<String> head) {
        return (String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void answer(Socket client, int status, String reason, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Already broken; nothing left to release.
        }
    }

    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing SOCKS tunnel listener: " + e);
        }
        open.forEach(LoopbackHttpTunnel::closeQuietly);
        open.clear();
    }
}
