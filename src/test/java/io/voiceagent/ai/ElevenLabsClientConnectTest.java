package io.voiceagent.ai;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpServer;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client against a loopback WebSocket peer: handshake, refusals, timeouts, signed URLs. */
class ElevenLabsClientConnectTest {
    private static final String KEY = "sk_test_secret_value";
    private static final String METADATA = "{\"type\":\"conversation_initiation_metadata\","
            + "\"conversation_initiation_metadata_event\":{\"conversation_id\":\"conv_e2e\","
            + "\"agent_output_audio_format\":\"ulaw_8000\",\"user_input_audio_format\":\"ulaw_8000\"}}";
    private static final ConversationRequest REQUEST = new ConversationRequest("call-9",
            Optional.of("Hi"), Optional.empty(), Optional.empty(), Map.of("name", "Bob"));

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private final AgentListener listener = events::add;
    private TestAgentPeer peer;
    private HttpServer api;

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (api != null) {
            api.stop(0);
        }
        http.close();
    }

    private ElevenLabsClient client(URI wsUrl, URI apiUrl, boolean signed, Duration timeout) {
        return TestElevenLabsClients.direct(new Config.ElevenLabs(Optional.of(Secret.of(KEY)), "agent_42", wsUrl, apiUrl,
                signed, 20, Config.AiConnect.RINGING, Duration.ofSeconds(120)), http, timeout);
    }

    private ElevenLabsClient direct(Duration timeout) {
        return client(peer.url("/v1/convai/conversation"), URI.create("http://127.0.0.1:1"), false, timeout);
    }

    private static AgentException failureOf(CompletableFuture<?> future) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(AgentException.class);
        assertThat(e.getCause().getMessage()).doesNotContain(KEY);
        return (AgentException) e.getCause();
    }

    @Test
    void connectsWithAgentIdAndKeyAndStartsOnTheMetadata() throws Exception {
        peer = new TestAgentPeer();
        CompletableFuture<String> firstFrame = new CompletableFuture<>();
        peer.onConnection(c -> {
            firstFrame.complete(c.nextText());
            c.sendText(METADATA);
        });

        AgentConversation conversation = direct(Duration.ofSeconds(5)).connect(REQUEST, listener)
                .get(10, TimeUnit.SECONDS);

        TestAgentPeer.Request request = peer.requests.getFirst();
        assertThat(request.uri().getPath()).isEqualTo("/v1/convai/conversation");
        assertThat(request.uri().getQuery()).isEqualTo("agent_id=agent_42");
        assertThat(request.headers()).containsEntry("xi-api-key", KEY);
        assertThat(JSON.std.mapFrom(firstFrame.get())).isEqualTo(Map.of(
                "type", "conversation_initiation_client_data",
                "conversation_config_override", Map.of("agent", Map.of("first_message", "Hi")),
                "dynamic_variables", Map.of("name", "Bob")));
        assertThat(conversation.conversationId()).isEqualTo("conv_e2e");
        assertThat(conversation.userInputFormat()).isEqualTo("ulaw_8000");
        conversation.close();
    }

    @Test
    void carriesAudioBothWaysAndAnswersPingsOverTheSocket() throws Exception {
        peer = new TestAgentPeer();
        CompletableFuture<List<String>> fromClient = new CompletableFuture<>();
        byte[] agentAudio = new byte[4000];
        agentAudio[0] = 0x55;
        peer.onConnection(c -> {
            c.nextText();
            c.sendText(METADATA);
            c.sendText("{\"type\":\"ping\",\"ping_event\":{\"event_id\":31,\"ping_ms\":12}}");
            c.sendFragmented("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\""
                    + Base64.getEncoder().encodeToString(agentAudio) + "\",\"event_id\":1}}", 4);
            fromClient.complete(List.of(c.nextText(), c.nextText()));
            c.sendClose(1000, "bye");
        });

        AgentConversation conversation = direct(Duration.ofSeconds(5)).connect(REQUEST, listener)
                .get(10, TimeUnit.SECONDS);
        conversation.sendUserAudio(new byte[]{1, 2, 3});

        List<String> received = fromClient.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactlyInAnyOrder("{\"type\":\"pong\",\"event_id\":31}",
                "{\"user_audio_chunk\":\"" + Base64.getEncoder().encodeToString(new byte[]{1, 2, 3}) + "\"}");
        awaitEvents(2);
        assertThat(events.getFirst()).isInstanceOfSatisfying(AgentEvent.Audio.class,
                a -> assertThat(a.audio()).isEqualTo(agentAudio));
        assertThat(events.get(1)).isEqualTo(new AgentEvent.Closed(1000, "bye"));
    }

    @Test
    void aThirtySecondBurstNeverStallsTheReaderAndNoAudioFollowsItsInterruption() throws Exception {
        peer = new TestAgentPeer();
        int chunks = 1500; // 30 s of 20 ms ulaw_8000 chunks, sent as fast as the socket takes them
        String chunk = Base64.getEncoder().encodeToString(new byte[160]);
        CompletableFuture<String> pong = new CompletableFuture<>();
        peer.onConnection(c -> {
            c.nextText();
            c.sendText(METADATA);
            for (int i = 0; i < chunks; i++) {
                c.sendText("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"" + chunk + "\",\"event_id\":1}}");
                if (i == chunks / 2) {
                    c.sendText("{\"type\":\"ping\",\"ping_event\":{\"event_id\":5}}");
                    c.sendText("{\"type\":\"interruption\",\"interruption_event\":{\"event_id\":1}}");
                }
            }
            c.sendText("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"" + chunk + "\",\"event_id\":2}}");
            pong.complete(c.nextText());
        });
        List<String> order = new CopyOnWriteArrayList<>();
        AgentListener phone = event -> order.add(switch (event) {
            case AgentEvent.Audio audio -> "audio:" + audio.eventId();
            case AgentEvent.Interruption interruption -> "interruption:" + interruption.eventId();
            default -> event.getClass().getSimpleName();
        });

        ElevenLabsConversation conversation = direct(Duration.ofSeconds(5)).open(REQUEST, phone)
                .get(10, TimeUnit.SECONDS);

        assertThat(pong.get(20, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"pong\",\"event_id\":5}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!order.contains("audio:2") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // Everything read in order, none of the interrupted turn's audio after its interruption.
        int cut = order.indexOf("interruption:1");
        assertThat(cut).isEqualTo(chunks / 2 + 1);
        assertThat(order.subList(0, cut)).allMatch("audio:1"::equals);
        assertThat(order.subList(cut + 1, order.size())).containsExactly("audio:2");
        assertThat(conversation.stats().audioChunksDiscarded()).isEqualTo(chunks - cut);
        conversation.close();
    }

    @Test
    void closingSendsNormalClosureToTheAgent() throws Exception {
        peer = new TestAgentPeer();
        CompletableFuture<String> closeSeen = new CompletableFuture<>();
        peer.onConnection(c -> {
            c.nextText();
            c.sendText(METADATA);
            closeSeen.complete(c.closed.poll(10, TimeUnit.SECONDS));
        });
        AgentConversation conversation = direct(Duration.ofSeconds(5)).connect(REQUEST, listener)
                .get(10, TimeUnit.SECONDS);

        conversation.close();

        assertThat(closeSeen.get(10, TimeUnit.SECONDS)).isEqualTo("1000 ");
        assertThat(events).isEmpty();
    }

    @Test
    void refusalsMapToCauses() throws Exception {
        peer = new TestAgentPeer();
        for (var refusal : Map.of(401, "ai_unauthorized", 403, "ai_unauthorized", 404, "ai_not_found",
                503, "ai_unreachable").entrySet()) {
            peer.refuseWith(refusal.getKey());

            AgentException e = failureOf(direct(Duration.ofSeconds(5)).connect(REQUEST, listener));

            assertThat(e.causeCode()).as("HTTP %d", refusal.getKey()).isEqualTo(refusal.getValue());
        }
    }

    @Test
    void anUnansweredHandshakeTimesOut() throws Exception {
        peer = new TestAgentPeer();
        peer.neverAnswer();

        // Without the handshake timeout nothing would end the wait, and failureOf would give up instead.
        AgentException e = failureOf(direct(Duration.ofMillis(300)).connect(REQUEST, listener));

        assertThat(e.causeCode()).isEqualTo("ai_timeout");
        assertThat(e.getMessage()).contains("within 300 ms");
    }

    @Test
    void missingMetadataTimesOutAndDropsTheSocket() throws Exception {
        peer = new TestAgentPeer();
        CompletableFuture<String> end = new CompletableFuture<>();
        peer.onConnection(c -> {
            c.nextText();
            end.complete(c.closed.poll(10, TimeUnit.SECONDS));
        });

        AgentException e = failureOf(direct(Duration.ofMillis(300)).connect(REQUEST, listener));

        assertThat(e.causeCode()).isEqualTo("ai_timeout");
        assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo("eof");
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ElevenLabsClient client = client(URI.create("ws://127.0.0.1:" + port + "/v1/convai/conversation"),
                URI.create("http://127.0.0.1:" + port), false, Duration.ofSeconds(5));

        assertThat(client.reachability()).isEqualTo(AgentReachability.UNKNOWN);
        AgentException e = failureOf(client.connect(REQUEST, listener));

        assertThat(client.reachability()).isEqualTo(AgentReachability.FAILING);
        assertThat(e.causeCode()).isEqualTo("ai_unreachable");
        assertThat(e.getMessage()).contains("127.0.0.1:" + port);
    }

    @Test
    void aWrongFirstFrameClosedWith1008IsARejection() throws Exception {
        peer = new TestAgentPeer();
        peer.onConnection(c -> {
            c.nextText();
            c.sendClose(1008, "Invalid message received");
        });

        AgentException e = failureOf(direct(Duration.ofSeconds(5)).connect(REQUEST, listener));

        assertThat(e.causeCode()).isEqualTo("ai_rejected");
        assertThat(e.getMessage()).contains("1008").contains("Invalid message received");
    }

    @Test
    void signedUrlIsFetchedWithTheKeyAndUsedWithoutIt() throws Exception {
        peer = new TestAgentPeer();
        peer.onConnection(c -> {
            c.nextText();
            c.sendText(METADATA);
        });
        List<String> apiCalls = new CopyOnWriteArrayList<>();
        api = signedUrlApi(200, "{\"signed_url\":\"" + peer.url("/v1/convai/conversation?agent_id=agent_42&token=tok_1")
                + "\"}", apiCalls);
        ElevenLabsClient client = client(URI.create("ws://127.0.0.1:1/unused"), apiBase(), true, Duration.ofSeconds(5));

        AgentConversation conversation = client.connect(REQUEST, listener).get(10, TimeUnit.SECONDS);

        assertThat(apiCalls).containsExactly("/v1/convai/conversation/get-signed-url?agent_id=agent_42 key=" + KEY);
        TestAgentPeer.Request socketRequest = peer.requests.getFirst();
        assertThat(socketRequest.uri().getQuery()).isEqualTo("agent_id=agent_42&token=tok_1");
        assertThat(socketRequest.headers()).doesNotContainKey("xi-api-key");
        assertThat(conversation.conversationId()).isEqualTo("conv_e2e");
        conversation.close();
    }

    @Test
    void aRefusedSignedUrlRequestMapsToItsCause() throws Exception {
        api = signedUrlApi(401, "{\"detail\":\"invalid api key\"}", new CopyOnWriteArrayList<>());
        ElevenLabsClient client = client(URI.create("ws://127.0.0.1:1/unused"), apiBase(), true, Duration.ofSeconds(5));

        assertThat(failureOf(client.connect(REQUEST, listener)).causeCode()).isEqualTo("ai_unauthorized");
    }

    @Test
    void aSignedUrlAnswerWithoutAUrlIsAProtocolFailure() throws Exception {
        api = signedUrlApi(200, "{\"something\":\"else\"}", new CopyOnWriteArrayList<>());
        ElevenLabsClient client = client(URI.create("ws://127.0.0.1:1/unused"), apiBase(), true, Duration.ofSeconds(5));

        assertThat(failureOf(client.connect(REQUEST, listener)).causeCode()).isEqualTo("ai_protocol");
    }

    @Test
    void checkReportsTheConversationAndClosesIt() throws Exception {
        peer = new TestAgentPeer();
        CompletableFuture<String> closeSeen = new CompletableFuture<>();
        peer.onConnection(c -> {
            c.nextText();
            c.sendText(METADATA);
            closeSeen.complete(c.closed.poll(10, TimeUnit.SECONDS));
        });

        ElevenLabsClient client = direct(Duration.ofSeconds(5));
        assertThat(client.reachability()).isEqualTo(AgentReachability.UNKNOWN);
        Map<String, Object> report = client.check();

        assertThat(client.reachability()).as("what /health shows").isEqualTo(AgentReachability.OK);
        assertThat(report).containsEntry("ok", true).containsEntry("conversation_id", "conv_e2e")
                .containsEntry("user_input_audio_format", "ulaw_8000")
                .containsEntry("agent_output_audio_format", "ulaw_8000").containsKey("connect_ms");
        assertThat(closeSeen.get(10, TimeUnit.SECONDS)).isEqualTo("1000 ");
    }

    @Test
    void checkReportsAFailureWithItsCause() throws Exception {
        peer = new TestAgentPeer();
        peer.refuseWith(404);

        ElevenLabsClient client = direct(Duration.ofSeconds(5));
        Map<String, Object> report = client.check();

        assertThat(client.reachability()).as("what /health shows").isEqualTo(AgentReachability.FAILING);
        assertThat(report).containsEntry("ok", false).containsEntry("cause", "ai_not_found");
        assertThat(report.toString()).doesNotContain(KEY);
    }

    private void awaitEvents(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(count);
    }

    private URI apiBase() {
        return URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    }

    private static HttpServer signedUrlApi(int status, String body, List<String> calls) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.add(exchange.getRequestURI() + " key=" + exchange.getRequestHeaders().getFirst("xi-api-key"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }
}
