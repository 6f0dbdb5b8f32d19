package io.voiceagent.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.voiceagent.call.CallEvents;
import io.voiceagent.call.CallException;
import io.voiceagent.call.CallService;
import io.voiceagent.campaigns.Campaigns;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.recordings.RecordingLibrary;
import io.voiceagent.webhooks.DeliveryLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The service's HTTP API on {@code com.sun.net.httpserver}, one virtual thread per exchange.
 *
 * <p>Every request passes the same gate, in this order: the API token (except {@code /health} and
 * the provider webhook), the route (404, or 404 for {@code /debug/} while DEBUG_ENDPOINTS is off),
 * the method (405 with {@code Allow}), the body size (413 over 64 KiB), the content type (415 when
 * a POST body is not JSON). A handler then answers, or refuses with a typed error that becomes
 * {@code {"error": code, "message": text}}. Anything unexpected is logged and answered with a
 * generic 500: a response never carries a stack trace.
 */
public final class HttpApi implements AutoCloseable {
    /** The largest request body accepted. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    private static final int STOP_GRACE_SECONDS = 1;
    /** The Retry-After of a 429: calls last minutes, so a few seconds apart is often enough and never a flood. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final long DRAIN_LIMIT_BYTES = 1024 * 1024;
    /**
     * Connections the kernel may hold until the server's one accepting thread takes them. The JDK's default
     * (50) overflows when a burst of clients connects at once on a busy machine: Linux then drops their SYNs
     * and each waits a retransmission (1 s, 3 s, 7 s ...) before it is even accepted. Capped by somaxconn.
     */
    private static final int LISTEN_BACKLOG = 1024;

    private final Config.Http config;
    private final Optional<Secret> apiToken;
    private final List<Route> routes;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private HttpServer server;
    private ExecutorService executor;
    private boolean closed;

    /**
     * @param events     the stream {@code GET /api/events} serves
     * @param webhooks   the call-event deliveries shown on each call
     * @param recordings the call recordings served and shown on each call
     * @param metrics    what {@code GET /metrics} serves
     * @param campaigns  the campaigns and the do-not-call list: {@code /api/campaigns}, {@code /api/dnc}
     */
    public HttpApi(Config.Http config, CallService calls, DebugOperations debug, Optional<Secret> webhookSecret,
                   Clock clock, CallEvents events, DeliveryLog webhooks, RecordingLibrary recordings,
                   ServiceMetrics metrics, Optional<Campaigns> campaigns) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(debug, "debug");
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        Objects.requireNonNull(clock, "clock");
        this.apiToken = config.apiToken().filter(token -> !token.isEmpty());
        List<Route> all = new ArrayList<>();
        all.addAll(new CallRoutes(calls, clock, webhooks, recordings, campaigns.map(Campaigns::doNotCall)).routes());
        campaigns.ifPresent(c -> all.addAll(new CampaignRoutes(c, webhooks, clock).routes()));
        all.addAll(new RecordingRoutes(calls, recordings).routes());
        all.addAll(new OperationsRoutes(calls, metrics).routes());
        all.addAll(new ExolveWebhook(calls, webhookSecret).routes());
        all.addAll(new DebugRoutes(calls, debug).routes());
        all.addAll(new EventRoutes(events).routes());
        all.addAll(new UiRoutes().routes());
        this.routes = List.copyOf(all);
    }

    /** Every method and path pattern served, e.g. {@code GET /api/calls/{id}}: what the OpenAPI document lists. */
    java.util.Set<String> operations() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Route route : routes) {
            String path = "/" + String.join("/", route.segments());
            route.methods().keySet().forEach(method -> out.add(method + " " + path));
        }
        return out;
    }

    /** Binds HTTP_HOST:HTTP_PORT and starts serving. */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (closed || server != null) {
                throw new IllegalStateException(
                        closed ? "the HTTP API was closed; build a new one" : "already started");
            }
            HttpServer created;
            try {
                created = HttpServer.create(new InetSocketAddress(config.host(), config.port()), LISTEN_BACKLOG);
            } catch (IOException e) {
                throw new IOException("cannot listen on " + config.host() + ":" + config.port()
                        + " (HTTP_HOST, HTTP_PORT): " + e.getMessage(), e);
            }
            executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
            created.setExecutor(executor);
            created.createContext("/", this::serve);
            created.start();
            server = created;
            LOG.log(System.Logger.Level.INFO, "HTTP API listening on http://" + config.host() + ":" + port()
                    + (apiToken.isPresent() ? " (API token required)"
                            : " (no API token: open to anyone who can reach it)")
                    + (config.debugEndpoints() ? ", /debug/ on" : ", /debug/ off"));
        } finally {
            lifecycle.unlock();
        }
    }

    /** The bound port: the real one when HTTP_PORT is 0. */
    public int port() {
        lifecycle.lock();
        try {
            if (server == null) {
                throw new IllegalStateException("not started");
            }
            return server.getAddress().getPort();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops accepting, gives running exchanges a moment to finish, then stops. Idempotent. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
            if (server == null) {
                return;
            }
            server.stop(STOP_GRACE_SECONDS);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            server = null;
        } finally {
            lifecycle.unlock();
        }
    }

    private void serve(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = Objects.requireNonNullElse(exchange.getRequestURI().getPath(), "/");
        Optional<ApiResponse> response = respond(exchange, method, path);
        String logged = method + " " + path;
        if (response.isEmpty()) {
            exchange.close();
            return;
        }
        send(exchange, discardUnreadBody(exchange, response.get()));
        LOG.log(System.Logger.Level.DEBUG, () -> logged + " -> " + response.get().status() + " ("
                + (System.nanoTime() - started) / 1_000_000 + " ms)");
    }

    /** The answer to one exchange; empty when the client went away while sending its request. */
    private Optional<ApiResponse> respond(HttpExchange exchange, String method, String path) {
        try {
            return Optional.of(dispatch(exchange, method, path));
        } catch (ApiException e) {
            return Optional.of(ApiResponse.error(e));
        } catch (CallException e) {
            // 429 says when to try again: a call slot frees up when a live call ends
            Map<String, String> headers = e.reason() == CallException.Reason.TOO_MANY_CALLS
                    ? Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)) : Map.of();
            return Optional.of(ApiResponse.error(new ApiException(statusOf(e.reason()),
                    e.reason().name().toLowerCase(Locale.ROOT), e.getMessage(), headers)));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, method + " " + path + ": request not received: "
                    + e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, method + " " + path + " failed", e);
            return Optional.of(ApiResponse.error(new ApiException(500, "internal_error",
                    "the request could not be completed; the service log has the details")));
        }
    }

    private ApiResponse dispatch(HttpExchange exchange, String method, String path)
            throws ApiException, CallException, IOException {
        List<String> segments = Route.split(path);
        Route route = null;
        Map<String, String> parameters = Map.of();
        for (Route candidate : routes) {
            Optional<Map<String, String>> match = candidate.match(segments);
            if (match.isPresent()) {
                route = candidate;
                parameters = match.get();
                break;
            }
        }
        if (route == null || route.access() != Route.Access.PUBLIC) {
            authorize(exchange);
        }
        if (route == null || route.access() == Route.Access.DEBUG && !config.debugEndpoints()) {
            throw ApiException.notFound("no such endpoint: " + path);
        }
        Route.Handler handler = route.methods().get(method);
        if (handler == null) {
            throw new ApiException(405, "method_not_allowed", method + " is not supported on " + path
                    + "; use " + route.allow(), Map.of("Allow", route.allow()));
        }
        byte[] body = readBody(exchange, route.maxBodyBytes());
        if (body.length > 0 && "POST".equals(method)) {
            requireJson(exchange.getRequestHeaders().getFirst("Content-Type"), route.takesCsv());
        }
        return handler.handle(new ApiRequest(method, path, parameters, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body));
    }

    private void authorize(HttpExchange exchange) throws ApiException {
        if (apiToken.isEmpty()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        if (!apiToken.get().matches(presented)) {
            throw new ApiException(401, "unauthorized",
                    "missing or wrong API token: send Authorization: Bearer <API_TOKEN>",
                    Map.of("WWW-Authenticate", "Bearer realm=\"voiceagent\""));
        }
    }

    private static byte[] readBody(HttpExchange exchange, int maxBytes) throws ApiException, IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
        }
        // Not closed here: closing drops the unread rest, which discardUnreadBody must read first.
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return body;
    }

    /**
     * Reads and drops what is left of a refused request's body, so that the client, still sending,
     * reads our answer instead of a connection reset. Past {@link #DRAIN_LIMIT_BYTES} the connection
     * is closed after the answer rather than read any further.
     */
    private static ApiResponse discardUnreadBody(HttpExchange exchange, ApiResponse response) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] scratch = new byte[8192];
            long dropped = 0;
            for (int n; (n = in.read(scratch)) >= 0; ) {
                dropped += n;
                if (dropped > DRAIN_LIMIT_BYTES) {
                    return response.withHeader("Connection", "close");
                }
            }
            return response;
        } catch (IOException e) {
            // the client stopped sending: nothing left to read
            return response;
        }
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "payload_too_large", "request bodies are limited to " + maxBytes
                + " bytes here");
    }

    /**
     * {@code application/json} or any {@code +json} type, and {@code text/csv} where a route takes lists;
     * parameters such as charset are fine.
     */
    private static void requireJson(String contentType, boolean orCsv) throws ApiException {
        if (contentType == null) {
            return;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!(type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json")
                || orCsv && type.equals(CSV))) {
            throw new ApiException(415, "unsupported_media_type",
                    "Content-Type " + type + " is not accepted; send application/json" + (orCsv ? " or text/csv" : ""));
        }
    }

    static final String CSV = "text/csv";

    static int statusOf(CallException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> 404;
            case ALREADY_ENDED, INVALID_STATE -> 409;
            case TOO_MANY_CALLS -> 429;
            case UNAVAILABLE, NOT_REGISTERED, STORAGE_UNAVAILABLE -> 503;
            case BAD_REQUEST -> 400;
            case IDEMPOTENCY_KEY_REUSED -> 422;
        };
    }

    private static void send(HttpExchange exchange, ApiResponse response) {
        try (exchange) {
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", response.contentType());
            headers.set("Cache-Control", "no-store");
            headers.set("X-Content-Type-Options", "nosniff");
            response.headers().forEach(headers::set);
            if (response.stream().isPresent()) {
                ApiResponse.StreamedBody streamed = response.stream().get();
                long length = streamed.length();
                // sendResponseHeaders takes 0 for "chunked" and -1 for "no body"
                exchange.sendResponseHeaders(response.status(),
                        length == ApiResponse.StreamedBody.UNKNOWN_LENGTH ? 0 : length == 0 ? -1 : length);
                try (OutputStream out = exchange.getResponseBody()) {
                    streamed.writer().writeTo(out);
                }
                return;
            }
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "response not delivered: " + e.getMessage());
        }
    }
}
