package io.voiceagent.demo.ws;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small RFC 6455 server on a blocking {@link ServerSocket}, one virtual thread per connection. Every
 * request goes through the {@link UpgradeHandler}, so it can check the path, query and headers and reject
 * an upgrade with an HTTP status the way a real service does, or answer a plain HTTP request. Only what a
 * test peer needs is here: no extensions, no subprotocols, no TLS.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;

    /**
     * @param maxMessageBytes  largest message (after reassembly) accepted; bigger ones close with 1009
     * @param handshakeTimeout how long a client may take to send its request head
     * @param closeTimeout     how long to wait for the client's close frame before dropping TCP
     */
    public record Settings(int maxMessageBytes, Duration handshakeTimeout, Duration closeTimeout) {
        public Settings {
            if (maxMessageBytes <= 0) {
                throw new IllegalArgumentException("maxMessageBytes must be positive");
            }
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(closeTimeout, "closeTimeout");
        }

        public static Settings defaults() {
            return new Settings(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final ServerSocket serverSocket;
    private final Settings settings;
    private final UpgradeHandler handler;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread acceptor;

    private WebSocketServer(ServerSocket serverSocket, Settings settings, UpgradeHandler handler) {
        this.serverSocket = serverSocket;
        this.settings = settings;
        this.handler = handler;
        this.acceptor = Thread.ofVirtual().name("ws-accept-" + serverSocket.getLocalPort()).start(this::acceptLoop);
    }

    /** Binds {@code address} (port 0 for an ephemeral port) and starts accepting. */
    public static WebSocketServer start(InetSocketAddress address, Settings settings, UpgradeHandler handler) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(handler, "handler");
        ServerSocket serverSocket = new ServerSocket();
        try {
            serverSocket.bind(address, 512);
        } catch (IOException e) {
            serverSocket.close();
            throw e;
        }
        return new WebSocketServer(serverSocket, settings, handler);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Connections currently upgraded and not yet ended. */
    public List<WebSocketConnection> connections() {
        return List.copyOf(connections);
    }

    /** Closes every connection with 1001, waits up to the close timeout for them to end, then drops the rest. */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing server socket", e);
        }
        for (WebSocketConnection connection : connections) {
            connection.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        joinQuietly(acceptor, deadline);
        for (Thread thread : new ArrayList<>(threads)) {
            joinQuietly(thread, deadline);
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        for (Thread thread : new ArrayList<>(threads)) {
            joinQuietly(thread, System.nanoTime() + Duration.ofSeconds(1).toNanos());
        }
    }

    private void acceptLoop() {
        while (running.get()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (running.get()) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed on port {0}: {1}", port(), e.getMessage());
                }
                return;
            }
            sockets.add(socket);
            Thread thread = Thread.ofVirtual().name("ws-conn-" + socket.getPort()).unstarted(() -> serve(socket));
            threads.add(thread);
            thread.start();
            if (!running.get()) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) settings.handshakeTimeout().toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            HttpRequestHead head;
            try {
                head = readRequestHead(in, (InetSocketAddress) socket.getRemoteSocketAddress());
            } catch (BadRequest e) {
                respond(out, e.status, Map.of(), "text/plain; charset=utf-8", e.getMessage().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (head.isWebSocketUpgrade()) {
                try {
                    checkUpgrade(head);
                } catch (BadRequest e) {
                    Map<String, String> extra = e.status == 426 ? Map.of("Sec-WebSocket-Version", "13") : Map.of();
                    respond(out, e.status, extra, "text/plain; charset=utf-8", e.getMessage().getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            HandshakeDecision decision;
            try {
                decision = handler.decide(head);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "upgrade handler failed for " + head, e);
                decision = HandshakeDecision.text(500, "internal error");
            }
            switch (decision) {
                case HandshakeDecision.Respond response ->
                        respond(out, response.status(), Map.of(), response.contentType(), response.body());
                case HandshakeDecision.Accept accept when !head.isWebSocketUpgrade() ->
                        respond(out, 426, Map.of("Upgrade", "websocket"), "text/plain; charset=utf-8", "this endpoint is a WebSocket".getBytes(StandardCharsets.UTF_8));
                case HandshakeDecision.Accept accept -> {
                    writeSwitchingProtocols(out, head.header("sec-websocket-key").orElseThrow());
                    socket.setSoTimeout(0);
                    WebSocketConnection connection = new WebSocketConnection(socket, in, out, head, accept.listener(),
                            settings.maxMessageBytes(), settings.closeTimeout());
                    connections.add(connection);
                    try {
                        connection.run();
                    } finally {
                        connections.remove(connection);
                    }
                }
            }
        } catch (SocketException | EOFException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection ended during handshake: {0}", e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection I/O failed: {0}", e.getMessage());
        } finally {
            sockets.remove(socket);
            threads.remove(Thread.currentThread());
        }
    }

    /** RFC 6455 4.2.1: what the opening handshake must contain; 426 names the version we speak (4.4). */
    private static void checkUpgrade(HttpRequestHead head) throws BadRequest {
        if (!head.method().equals("GET")) {
            throw new BadRequest(400, "WebSocket upgrade must use GET");
        }
        if (head.header("host").isEmpty()) {
            throw new BadRequest(400, "missing Host header");
        }
        boolean connectionUpgrade = head.header("connection").stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .anyMatch(token -> token.trim().equalsIgnoreCase("upgrade"));
        if (!connectionUpgrade) {
            throw new BadRequest(400, "Connection header must contain Upgrade");
        }
        String key = head.header("sec-websocket-key").orElse("").trim();
        try {
            if (Base64.getDecoder().decode(key).length != 16) {
                throw new BadRequest(400, "Sec-WebSocket-Key must be 16 bytes, base64-encoded");
            }
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "Sec-WebSocket-Key is not base64");
        }
        if (!head.header("sec-websocket-version").map(String::trim).orElse("").equals("13")) {
            throw new BadRequest(426, "Sec-WebSocket-Version must be 13");
        }
    }

    /** Sec-WebSocket-Accept = base64(SHA-1(key + GUID)), RFC 6455 section 4.2.2 step 5.4. */
    static String acceptValue(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    private static void writeSwitchingProtocols(OutputStream out, String key) throws IOException {
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptValue(key) + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void respond(OutputStream out, int status, Map<String, String> headers, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 422 -> "Unprocessable Entity";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    private static HttpRequestHead readRequestHead(InputStream in, InetSocketAddress remote) throws IOException, BadRequest {
        List<String> lines = readHeadLines(in);
        String[] requestLine = lines.getFirst().split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "malformed request line");
        }
        if (!requestLine[2].equals("HTTP/1.1")) {
            throw new BadRequest(400, "HTTP/1.1 required");
        }
        URI target;
        try {
            target = new URI(requestLine[1]);
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "malformed request target");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "malformed header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (first, second) -> first + ", " + second);
        }
        String path = target.getPath() == null || target.getPath().isEmpty() ? "/" : target.getPath();
        return new HttpRequestHead(requestLine[0], path, HttpRequestHead.parseQuery(target.getRawQuery()), headers, remote);
    }

    private static List<String> readHeadLines(InputStream in) throws IOException, BadRequest {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed before the request head ended");
            }
            if (++total > MAX_REQUEST_HEAD_BYTES) {
                throw new BadRequest(431, "request head larger than " + MAX_REQUEST_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue; // RFC 9112 2.2: ignore empty lines before the request line
                    }
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
    }

    private static void joinQuietly(Thread thread, long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return;
        }
        try {
            thread.join(Duration.ofNanos(remaining));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing socket", e);
        }
    }

    private static final class BadRequest extends Exception {
        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
