package io.voiceagent.ai;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.net.OutboundConnections;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.net.URLEncoder;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Opens conversations with the configured ElevenLabs agent over java.net.http's WebSocket:
 * directly on {@code ELEVENLABS_WS_URL?agent_id=…} with the {@code xi-api-key} header, or, with
 * signed URLs, on the {@code signed_url} that {@code GET /v1/convai/conversation/get-signed-url}
 * returns. Everything up to the conversation metadata must happen within the handshake timeout.
 * Failures carry a cause for the call record and never a key, token or signed URL.
 */
public final class ElevenLabsClient implements AgentClient {
    private static final System.Logger LOG = System.getLogger(ElevenLabsClient.class.getName());
    private static final String API_KEY_HEADER = "xi-api-key";
    private static final String SIGNED_URL_PATH = "/v1/convai/conversation/get-signed-url";
    /** Runs each conversation's sends, so no caller (the pacing clock, the RTP receiver) sends itself. */
    private static final java.util.concurrent.Executor SENDER = task -> Thread.ofVirtual().name("agent-send").start(task);

    private final Config.ElevenLabs config;
    private final HttpClient http;
    private final Duration handshakeTimeout;
    private final Function<Throwable, Optional<String>> proxyFailureCause;
    private final LongSupplier nanoTime;
    private final ServiceMetrics metrics;
    /** Written by whichever thread completes an opening handshake, read by {@code /health}. */
    private volatile AgentReachability reachability = AgentReachability.UNKNOWN;

    /**
     * Through the service's outbound connections, so that proxy failures get their own causes; the
     * conversations time their pongs and count interruptions in {@code metrics}.
     */
    public ElevenLabsClient(Config.ElevenLabs config, OutboundConnections outbound, Duration handshakeTimeout,
                            ServiceMetrics metrics) {
        this(config, outbound.httpClient(), handshakeTimeout, outbound::proxyFailureCause, System::nanoTime, metrics);
    }

    /** With the HTTP client, the proxy-failure classifier and the clock given, e.g. a test's. */
    ElevenLabsClient(Config.ElevenLabs config, HttpClient http, Duration handshakeTimeout,
                     Function<Throwable, Optional<String>> proxyFailureCause, LongSupplier nanoTime,
                     ServiceMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
        this.proxyFailureCause = Objects.requireNonNull(proxyFailureCause, "proxyFailureCause");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public AgentReachability reachability() {
        return reachability;
    }

    @Override
    public CompletableFuture<AgentConversation> connect(ConversationRequest request, AgentListener listener) {
        return open(request, listener).thenApply(conversation -> conversation);
    }

    /** {@link #connect} with the concrete type, for callers that want {@link ElevenLabsConversation#stats()}. */
    public CompletableFuture<ElevenLabsConversation> open(ConversationRequest request, AgentListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        ElevenLabsConversation conversation = new ElevenLabsConversation(request, listener, nanoTime, SENDER, metrics);
        CompletableFuture<URI> target = config.useSignedUrl() ? fetchSignedUrl() : directUrl();
        // Kept to be cancelled on timeout: an upgrade the server never answers must not linger.
        AtomicReference<CompletableFuture<WebSocket>> opening = new AtomicReference<>();
        target.thenCompose(uri -> {
                    CompletableFuture<WebSocket> socket = openSocket(uri, conversation);
                    opening.set(socket);
                    return socket;
                })
                .whenComplete((socket, failure) -> {
                    if (failure != null) {
                        conversation.abandon(agentFailure(failure, "connecting to the agent"));
                    }
                });
        CompletableFuture<ElevenLabsConversation> result = new CompletableFuture<>();
        conversation.started()
                .orTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((started, failure) -> {
                    if (failure == null) {
                        reachability = AgentReachability.OK;
                        result.complete(started);
                        return;
                    }
                    reachability = AgentReachability.FAILING;
                    AgentException why = agentFailure(failure, "connecting to the agent");
                    conversation.abandon(why);
                    target.cancel(true);
                    Optional.ofNullable(opening.get()).ifPresent(socket -> socket.cancel(true));
                    LOG.log(System.Logger.Level.WARNING, "call {0}: ElevenLabs conversation failed: {1} ({2})",
                            request.callId(), why.getMessage(), why.causeCode());
                    result.completeExceptionally(why);
                });
        return result;
    }

    /**
     * For {@code POST /debug/ai/check}: opens a conversation with the configured agent, reports its
     * id, audio formats and how long it took to start, and closes it. Never throws.
     */
    public Map<String, Object> check() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("agent_id", config.agentId());
        report.put("signed_url", config.useSignedUrl());
        long begin = nanoTime.getAsLong();
        ConversationRequest probe = new ConversationRequest("ai-check", Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
        try (ElevenLabsConversation conversation =
                     open(probe, event -> { }).get()) {
            report.put("ok", true);
            report.put("conversation_id", conversation.conversationId());
            report.put("user_input_audio_format", conversation.userInputFormat());
            report.put("agent_output_audio_format", conversation.agentOutputFormat());
            report.put("connect_ms", conversation.stats().connectMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.put("ok", false);
            report.put("cause", "interrupted");
            report.put("message", "the check was interrupted");
        } catch (ExecutionException e) {
            AgentException why = agentFailure(e, "checking the agent");
            report.put("ok", false);
            report.put("cause", why.causeCode());
            report.put("message", why.getMessage());
            report.put("elapsed_ms", (nanoTime.getAsLong() - begin) / 1_000_000);
        }
        return report;
    }

    private CompletableFuture<URI> directUrl() {
        try {
            return CompletableFuture.completedFuture(withAgentId(config.wsUrl()));
        } catch (URISyntaxException e) {
            return CompletableFuture.failedFuture(
                    new AgentException(AgentCause.AI_PROTOCOL, "ELEVENLABS_WS_URL cannot take an agent_id: " + e.getReason()));
        }
    }

    private URI withAgentId(URI base) throws URISyntaxException {
        String agent = "agent_id=" + URLEncoder.encode(config.agentId(), StandardCharsets.UTF_8);
        String query = base.getRawQuery();
        String joined = query == null || query.isEmpty() ? agent : query + "&" + agent;
        String text = base.toString();
        int cut = text.indexOf('?');
        int fragment = text.indexOf('#');
        String head = cut >= 0 ? text.substring(0, cut) : fragment >= 0 ? text.substring(0, fragment) : text;
        return new URI(head + "?" + joined);
    }

    private CompletableFuture<URI> fetchSignedUrl() {
        URI endpoint;
        try {
            endpoint = withAgentId(config.apiUrl().resolve(stripTrailingSlash(config.apiUrl().getPath()) + SIGNED_URL_PATH));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new AgentException(AgentCause.AI_PROTOCOL, "ELEVENLABS_API_URL does not make a signed-URL address"));
        }
        HttpRequest.Builder get = HttpRequest.newBuilder(endpoint).timeout(handshakeTimeout).GET()
                .header("Accept", "application/json");
        config.apiKey().map(Secret::reveal).ifPresent(key -> get.header(API_KEY_HEADER, key));
        return http.sendAsync(get.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            int status = response.statusCode();
            if (status != 200) {
                throw new CompletionException(httpRefusal(status, "the signed-URL request"));
            }
            return signedUrlFrom(response.body());
        });
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static URI signedUrlFrom(String body) {
        try {
            Map<String, Object> answer = JSON.std.mapFrom(body);
            if (answer != null && answer.get("signed_url") instanceof String url) {
                URI uri = new URI(url);
                if ("ws".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme())) {
                    return uri;
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // reported below, without echoing a body that may hold a token
        }
        throw new CompletionException(new AgentException(AgentCause.AI_PROTOCOL,
                "ElevenLabs answered the signed-URL request without a usable signed_url"));
    }

    private CompletableFuture<WebSocket> openSocket(URI uri, ElevenLabsConversation conversation) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(handshakeTimeout);
        // A signed URL carries its own token; the key is sent only on the direct connection.
        if (!config.useSignedUrl()) {
            config.apiKey().map(Secret::reveal).ifPresent(key -> builder.header(API_KEY_HEADER, key));
        }
        LOG.log(System.Logger.Level.DEBUG, "opening an ElevenLabs conversation on {0}", describe(uri));
        return builder.buildAsync(uri, conversation.socketListener());
    }

    /** Scheme, host and port only: a signed URL's query is a credential. */
    private static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private AgentException agentFailure(Throwable failure, String doing) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof AgentException agent) {
            return agent;
        }
        Optional<String> proxy = proxyFailureCause.apply(cause);
        if (proxy.isPresent()) {
            return new AgentException(proxy.get(), "the SOCKS5 proxy failed while " + doing, cause);
        }
        if (cause instanceof WebSocketHandshakeException handshake && handshake.getResponse() != null) {
            return httpRefusal(handshake.getResponse().statusCode(), "the WebSocket handshake");
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return new AgentException(AgentCause.AI_TIMEOUT,
                    "ElevenLabs did not start the conversation within " + handshakeTimeout.toMillis() + " ms", cause);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof UnresolvedAddressException) {
            return new AgentException(AgentCause.AI_UNREACHABLE,
                    "cannot reach ElevenLabs at " + describe(targetOf()) + ": " + cause.getClass().getSimpleName(), cause);
        }
        if (cause instanceof IOException) {
            return new AgentException(AgentCause.AI_UNREACHABLE,
                    "the connection to ElevenLabs failed while " + doing + ": " + cause.getClass().getSimpleName(), cause);
        }
        return new AgentException(AgentCause.AI_PROTOCOL,
                "unexpected failure while " + doing + ": " + cause.getClass().getSimpleName(), cause);
    }

    private URI targetOf() {
        return config.useSignedUrl() ? config.apiUrl() : config.wsUrl();
    }

    private AgentException httpRefusal(int status, String what) {
        String where = " to " + what + " for agent " + config.agentId();
        return switch (status) {
            case 401, 403 -> new AgentException(AgentCause.AI_UNAUTHORIZED,
                    "ElevenLabs answered " + status + where + ": check ELEVENLABS_API_KEY");
            case 404 -> new AgentException(AgentCause.AI_NOT_FOUND,
                    "ElevenLabs answered 404" + where + ": check ELEVENLABS_AGENT_ID and the URLs");
            case 408, 504 -> new AgentException(AgentCause.AI_TIMEOUT, "ElevenLabs answered " + status + where);
            default -> status == 429 || status >= 500
                    ? new AgentException(AgentCause.AI_UNREACHABLE, "ElevenLabs answered " + status + where)
                    : new AgentException(AgentCause.AI_PROTOCOL, "ElevenLabs answered " + status + where);
        };
    }
}
