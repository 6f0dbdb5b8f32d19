package io.voiceagent.demo.ws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The server against the JDK's java.net.http WebSocket client, an independent RFC 6455 implementation. */
class WebSocketServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();
    private final List<HttpRequestHead> heads = new CopyOnWriteArrayList<>();
    private WebSocketServer server;

    /** Echoes text and binary back; "close:<code>" makes the server close with that code. */
    private final WebSocketListener echo = new WebSocketListener() {
        @Override
        public void onText(WebSocketConnection connection, String text) {
            if (text.startsWith("close:")) {
                connection.close(Integer.parseInt(text.substring(6)), "closing as asked");
            } else {
                connection.sendText("echo:" + text);
            }
        }

        @Override
        public void onBinary(WebSocketConnection connection, byte[] data) {
            connection.sendBinary(data);
        }

        @Override
        public void onClose(WebSocketConnection connection, CloseStatus status) {
            closes.add(status);
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private URI start(int maxMessageBytes) throws Exception {
        WebSocketServer.Settings settings = new WebSocketServer.Settings(maxMessageBytes, Duration.ofSeconds(5), Duration.ofSeconds(1));
        server = WebSocketServer.start(new InetSocketAddress("127.0.0.1", 0), settings, head -> {
            heads.add(head);
            if (head.path().equals("/secret") && !head.header("xi-api-key").equals(java.util.Optional.of("k1"))) {
                return HandshakeDecision.json(401, "{\"detail\":\"bad key\"}");
            }
            if (head.path().equals("/plain")) {
                return HandshakeDecision.text(200, "hello " + head.queryParameter("name").orElse("?"));
            }
            return HandshakeDecision.accept(echo);
        });
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    @Test
    void acceptValueMatchesTheExampleInRfc6455() {
        assertThat(WebSocketServer.acceptValue("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void handlerSeesPathQueryAndHeadersOfTheUpgrade() throws Exception {
        URI base = start(1 << 16);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/v1/convai/conversation?agent_id=a%201&x=2"), Map.of("xi-api-key", "k1"))) {
            peer.sendText("hi");
            peer.awaitText("echo:hi"::equals, TIMEOUT);
        }
        HttpRequestHead head = heads.getFirst();
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.path()).isEqualTo("/v1/convai/conversation");
        assertThat(head.queryParameters()).containsEntry("agent_id", "a 1").containsEntry("x", "2");
        assertThat(head.header("XI-API-KEY")).contains("k1");
        assertThat(head.isWebSocketUpgrade()).isTrue();
        assertThat(head.toString()).doesNotContain("k1");
    }

    @Test
    void fragmentedTextIsReassembledAndBinaryIsEchoed() throws Exception {
        URI base = start(1 << 20);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.sendTextInParts("pri", "vet ", "мир");
            peer.awaitText("echo:privet мир"::equals, TIMEOUT);
            byte[] data = new byte[70_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            peer.sendBinary(data);
            byte[] echoed = peer.await(() -> peer.messages().stream().filter(m -> m.binary() != null).findFirst().map(JdkWebSocketPeer.Received::binary).orElse(null),
                    TIMEOUT, "no binary echo");
            assertThat(echoed).isEqualTo(data);
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSamePayload() throws Exception {
        URI base = start(1 << 16);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.webSocket().sendPing(java.nio.ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8))).get();
            byte[] pong = peer.await(() -> peer.pongs().isEmpty() ? null : peer.pongs().getFirst(), TIMEOUT, "no pong");
            assertThat(new String(pong, StandardCharsets.UTF_8)).isEqualTo("p1");
        }
    }

    @Test
    void serverCloseCarriesCodeAndReasonToTheClient() throws Exception {
        URI base = start(1 << 16);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.sendText("close:1008");
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1008);
            assertThat(peer.closeReason()).isEqualTo("closing as asked");
        }
        assertThat(awaitCloses(1).getFirst()).isEqualTo(new CloseStatus(1008, "closing as asked", false));
    }

    @Test
    void clientCloseIsEchoedAndReportedWithTheClientsCode() throws Exception {
        URI base = start(1 << 16);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.sendClose(4001, "bye now");
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(4001);
        }
        assertThat(awaitCloses(1).getFirst()).isEqualTo(new CloseStatus(4001, "bye now", true));
    }

    @Test
    void messageLargerThanTheLimitClosesWith1009() throws Exception {
        URI base = start(1000);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.sendTextInParts("a".repeat(600), "b".repeat(600));
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1009);
        }
    }

    @Test
    void rejectedUpgradeReachesTheClientAsItsHttpStatus() throws Exception {
        URI base = start(1 << 16);
        Throwable failure = catchThrowable(() -> JdkWebSocketPeer.connect(base.resolve("/secret"), Map.of("xi-api-key", "wrong")));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        HttpResponse<?> response = ((WebSocketHandshakeException) failure.getCause()).getResponse();
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(server.connections()).isEmpty();
    }

    @Test
    void plainHttpRequestIsAnsweredOnTheSamePort() throws Exception {
        URI base = start(1 << 16);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.getPort() + "/plain?name=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello x");
        }
    }

    @Test
    void closingTheServerClosesOpenConnectionsWithGoingAway() throws Exception {
        URI base = start(1 << 16);
        try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(base.resolve("/ws"), Map.of())) {
            peer.sendText("x");
            peer.awaitText("echo:x"::equals, TIMEOUT);
            server.close();
            assertThat(peer.awaitClose(TIMEOUT)).isEqualTo(1001);
        }
        assertThat(server.connections()).isEmpty();
    }

    private List<CloseStatus> awaitCloses(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (closes.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return List.copyOf(closes);
    }
}
