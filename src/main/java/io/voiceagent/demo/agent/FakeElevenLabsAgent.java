package io.voiceagent.demo.agent;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.demo.ws.HandshakeDecision;
import io.voiceagent.demo.ws.HttpRequestHead;
import io.voiceagent.demo.ws.WebSocketServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * A simulated ElevenLabs Conversational AI service on loopback, written from ElevenLabs' public protocol
 * documents: the agent WebSocket ({@code /v1/convai/conversation?agent_id=…}, {@code xi-api-key} header or a
 * {@code conversation_signature}) and {@code GET /v1/convai/conversation/get-signed-url}, both on one port.
 * Each accepted WebSocket becomes a {@link FakeConversation}. Serves the built-in demo and the tests.
 */
public final class FakeElevenLabsAgent implements AutoCloseable {
    public static final String CONVERSATION_PATH = "/v1/convai/conversation";
    public static final String SIGNED_URL_PATH = "/v1/convai/conversation/get-signed-url";
    private static final Duration SIGNATURE_LIFETIME = Duration.ofMinutes(15);

    private final FakeAgentOptions options;
    private final RandomGenerator random;
    private final AudioProbe probe;
    private final WebSocketServer server;
    private final Map<String, Long> signatureExpiryNanos = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition conversationAdded = lock.newCondition();
    private final List<FakeConversation> conversations = new ArrayList<>();
    private final List<RejectedRequest> rejected = new ArrayList<>();

    private FakeElevenLabsAgent(FakeAgentOptions options, RandomGenerator random, AudioProbe probe) throws IOException {
        this.options = options;
        this.random = random;
        this.probe = probe;
        WebSocketServer.Settings settings = new WebSocketServer.Settings(options.maxMessageBytes(), Duration.ofSeconds(10), Duration.ofSeconds(2));
        this.server = WebSocketServer.start(options.bindAddress(), settings, this::decide);
    }

    /** Starts the fake on {@code options.bindAddress()} with a secure random source for ids and signatures. */
    public static FakeElevenLabsAgent start(FakeAgentOptions options) throws IOException {
        return start(options, new SecureRandom());
    }

    public static FakeElevenLabsAgent start(FakeAgentOptions options, RandomGenerator random) throws IOException {
        return start(options, random, AudioProbe.NONE);
    }

    /** {@link #start(FakeAgentOptions, RandomGenerator)} with every conversation's audio shown to {@code probe}. */
    public static FakeElevenLabsAgent start(FakeAgentOptions options, RandomGenerator random, AudioProbe probe) throws IOException {
        return new FakeElevenLabsAgent(Objects.requireNonNull(options, "options"), Objects.requireNonNull(random, "random"),
                Objects.requireNonNull(probe, "probe"));
    }

    public int port() {
        return server.port();
    }

    /** The WebSocket endpoint without query, e.g. {@code ws://127.0.0.1:PORT/v1/convai/conversation}: ELEVENLABS_WS_URL. */
    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + port() + CONVERSATION_PATH);
    }

    /** The REST base, e.g. {@code http://127.0.0.1:PORT}: ELEVENLABS_API_URL. */
    public URI apiUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public FakeAgentOptions options() {
        return options;
    }

    /** Every conversation accepted so far, oldest first. */
    public List<FakeConversation> conversations() {
        lock.lock();
        try {
            return List.copyOf(conversations);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the {@code index}-th (0-based) conversation to be accepted. */
    public Optional<FakeConversation> awaitConversation(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (conversations.size() <= index) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                conversationAdded.awaitNanos(remaining);
            }
            return Optional.of(conversations.get(index));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Conversations whose WebSocket has not ended. */
    public int openConversations() {
        return (int) conversations().stream().filter(conversation -> conversation.closeStatus().isEmpty()).count();
    }

    public List<RejectedRequest> rejectedRequests() {
        lock.lock();
        try {
            return List.copyOf(rejected);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private HandshakeDecision decide(HttpRequestHead request) {
        return switch (request.path()) {
            case CONVERSATION_PATH -> decideConversation(request);
            case SIGNED_URL_PATH -> signedUrl(request);
            default -> reject(request, 404, "not_found", "No route for " + request.path());
        };
    }

    private HandshakeDecision decideConversation(HttpRequestHead request) {
        Optional<String> signature = request.queryParameter("conversation_signature");
        if (signature.isPresent()) {
            if (!redeem(signature.get(), request.queryParameter("agent_id").orElse(""))) {
                return reject(request, 403, "invalid_signature", "Invalid or expired conversation_signature");
            }
        } else {
            HandshakeDecision unauthorized = checkApiKey(request);
            if (unauthorized != null) {
                return unauthorized;
            }
        }
        HandshakeDecision unknownAgent = checkAgent(request);
        if (unknownAgent != null) {
            return unknownAgent;
        }
        if (!request.isWebSocketUpgrade()) {
            return reject(request, 426, "upgrade_required", "This endpoint is a WebSocket");
        }
        FakeConversation conversation = new FakeConversation(options, request, "conv_" + randomHex(12), probe);
        lock.lock();
        try {
            conversations.add(conversation);
            conversationAdded.signalAll();
        } finally {
            lock.unlock();
        }
        return HandshakeDecision.accept(conversation);
    }

    private HandshakeDecision signedUrl(HttpRequestHead request) {
        if (!request.method().equals("GET")) {
            return reject(request, 405, "method_not_allowed", "Use GET");
        }
        HandshakeDecision unauthorized = checkApiKey(request);
        if (unauthorized != null) {
            return unauthorized;
        }
        HandshakeDecision unknownAgent = checkAgent(request);
        if (unknownAgent != null) {
            return unknownAgent;
        }
        String signature = randomHex(16);
        signatureExpiryNanos.put(signatureKey(signature, options.agentId()), System.nanoTime() + SIGNATURE_LIFETIME.toNanos());
        String url = webSocketUri() + "?agent_id=" + URLEncoder.encode(options.agentId(), StandardCharsets.UTF_8)
                + "&conversation_signature=" + signature;
        return HandshakeDecision.json(200, json(Map.of("signed_url", url)));
    }

    /** A signature admits one conversation, for the agent it was issued for, within its lifetime. */
    private boolean redeem(String signature, String agentId) {
        Long expiry = signatureExpiryNanos.remove(signatureKey(signature, agentId));
        return expiry != null && System.nanoTime() < expiry;
    }

    private static String signatureKey(String signature, String agentId) {
        return agentId + "\n" + signature;
    }

    private HandshakeDecision checkApiKey(HttpRequestHead request) {
        if (options.apiKey() == null) {
            return null;
        }
        Optional<String> key = request.header("xi-api-key");
        if (key.isEmpty()) {
            return reject(request, 401, "needs_authorization", "Missing xi-api-key header");
        }
        boolean matches = MessageDigest.isEqual(key.get().getBytes(StandardCharsets.UTF_8), options.apiKey().getBytes(StandardCharsets.UTF_8));
        return matches ? null : reject(request, 401, "invalid_api_key", "Invalid API key");
    }

    private HandshakeDecision checkAgent(HttpRequestHead request) {
        Optional<String> agentId = request.queryParameter("agent_id");
        if (agentId.isEmpty() || agentId.get().isEmpty()) {
            return reject(request, 404, "agent_not_found", "agent_id query parameter is required");
        }
        if (!agentId.get().equals(options.agentId())) {
            return reject(request, 404, "agent_not_found", "Agent " + agentId.get() + " not found");
        }
        return null;
    }

    private HandshakeDecision reject(HttpRequestHead request, int status, String code, String message) {
        lock.lock();
        try {
            rejected.add(new RejectedRequest(request.path(), status, message));
        } finally {
            lock.unlock();
        }
        return HandshakeDecision.json(status, json(Map.of("detail", Map.of("status", code, "message", message))));
    }

    private String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            value[i] = (byte) random.nextInt(256);
        }
        return HexFormat.of().formatHex(value);
    }

    private static String json(Map<String, Object> value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising a response", e);
        }
    }

    @Override
    public String toString() {
        return "FakeElevenLabsAgent[" + webSocketUri() + ", " + options + "]";
    }
}
