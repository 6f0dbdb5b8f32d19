package io.voiceagent.app.exolve;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.voiceagent.exolve.MakeCallbackBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Exolve's Call API as its documentation describes it: every method is {@code POST /<api>/v1/<Method>}
 * with a JSON body and {@code Authorization: Bearer <API key>}; a call is named by a uint64
 * {@code call_id}, sent as a JSON number; errors are {@code {"code": n, "message": "..."}} with the
 * HTTP status (401 for a wrong key, 400 for a bad body). A placed call then goes on without the
 * client: once MakeCallback (or MakeCall) has been answered, the call's routing (a test's SIP peer)
 * is told about it, the way Exolve goes on to ring line_2, the customer's SIP ID. MakeCallback bodies
 * are checked by {@link MakeCallbackBody}: any other shape, a number_code that is not the account's
 * number or a line_2 that is not its SIP ID gets 400, as from Exolve.
 */
public final class FakeExolveCallApi implements AutoCloseable {
    /**
     * A call Exolve accepted. {@code customer} is the number rung (MakeCallback's line_1, MakeCall's
     * destination); {@code shownToOurLeg} is the caller our SIP ID sees on the audio leg's INVITE
     * (line_2's display_number, MakeCall's source).
     */
    public record PlacedCall(long callId, String method, String customer, String shownToOurLeg) {
    }

    /** One request as received, body parsed when it was JSON. */
    public record Received(String method, String path, String authorization, String contentType,
                           Map<String, Object> body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<PlacedCall> placed = new CopyOnWriteArrayList<>();
    private final AtomicLong nextCallId = new AtomicLong(4_623_104_917L);
    private final long accountNumber;
    private final String accountSipId;
    private volatile String acceptedKey;
    /** While set, MakeCall answers wait for it to open: the call is placed, its id not yet told. */
    private volatile CountDownLatch makeCallGate;
    private volatile Consumer<PlacedCall> routing = call -> { };

    private FakeExolveCallApi(String acceptedKey, long accountNumber, String accountSipId) throws IOException {
        this.acceptedKey = Objects.requireNonNull(acceptedKey, "acceptedKey");
        this.accountNumber = accountNumber;
        this.accountSipId = Objects.requireNonNull(accountSipId, "accountSipId");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Listens on an ephemeral loopback port and accepts {@code apiKey} as the Bearer token, for an
     * account that owns {@code accountNumber} and the SIP ID {@code accountSipId}.
     */
    public static FakeExolveCallApi start(String apiKey, long accountNumber, String accountSipId)
            throws IOException {
        return new FakeExolveCallApi(apiKey, accountNumber, accountSipId);
    }

    /** The value for EXOLVE_API_URL. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** What happens to each call after MakeCall was answered (by default: nothing, it just stays placed). */
    public void routeCallsTo(Consumer<PlacedCall> next) {
        routing = Objects.requireNonNull(next, "next");
    }

    /** The key Exolve accepts from now on; any other gets 401, as after the key was revoked. */
    public void acceptOnlyKey(String apiKey) {
        acceptedKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /**
     * From now on MakeCall places the call but holds its answer back, like a slow Exolve, until
     * {@link #releaseMakeCallAnswers()}: a test then knows the request is still in flight.
     */
    public void holdMakeCallAnswers() {
        makeCallGate = new CountDownLatch(1);
    }

    /** Answers the held MakeCalls and stops holding them. */
    public void releaseMakeCallAnswers() {
        CountDownLatch gate = makeCallGate;
        makeCallGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every call MakeCall placed, oldest first. */
    public List<PlacedCall> placed() {
        return List.copyOf(placed);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until at least {@code count} calls were placed (their MakeCall may not be answered yet). */
    public List<PlacedCall> awaitPlaced(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (placed.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return placed();
    }

    /** Waits until at least {@code count} requests reached {@code path}. */
    public List<Received> awaitReceived(String path, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received(path).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return received(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        PlacedCall placed = null;
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String path = exchange.getRequestURI().getPath();
            Map<String, Object> body;
            try {
                body = raw.isBlank() ? Map.of() : JSON.std.mapFrom(raw);
            } catch (IOException e) {
                received.add(new Received(exchange.getRequestMethod(), path, authorization, contentType, Map.of()));
                answer(exchange, 400, error(3, "request body is not valid JSON"));
                return;
            }
            received.add(new Received(exchange.getRequestMethod(), path, authorization, contentType, body));
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, error(12, "method not allowed"));
            } else if (!("Bearer " + acceptedKey).equals(authorization)) {
                answer(exchange, 401, error(16, "invalid API key"));
            } else if (contentType == null || !contentType.startsWith("application/json")) {
                answer(exchange, 400, error(3, "Content-Type must be application/json"));
            } else {
                placed = route(exchange, path, body);
            }
        }
        if (placed != null) {
            PlacedCall call = placed;
            Consumer<PlacedCall> next = routing;
            executor.execute(() -> next.accept(call));
        }
    }

    /** Answers one authorised request; returns the call it placed, if any. */
    private PlacedCall route(HttpExchange exchange, String path, Map<String, Object> body) throws IOException {
        switch (path) {
            case "/call/v1/MakeCallback" -> {
                MakeCallbackBody callback;
                try {
                    callback = MakeCallbackBody.parse(body);
                } catch (MakeCallbackBody.Invalid e) {
                    answer(exchange, 400, error(3, e.getMessage().replace("\"", "'")));
                    return null;
                }
                if (callback.numberCode() != accountNumber) {
                    answer(exchange, 400, error(3, "number_code " + callback.numberCode() + " is not your number"));
                    return null;
                }
                if (!callback.line2().number().equals(accountSipId)) {
                    answer(exchange, 400, error(3, "line_2 " + callback.line2().number() + " is not your SIP ID"));
                    return null;
                }
                return placed(exchange, "MakeCallback", callback.line1().number(), callback.line2().displayNumber());
            }
            case "/call/v1/MakeCall" -> {
                if (!(body.get("source") instanceof String source) || !source.matches("[0-9]{7,15}")
                        || !(body.get("destination") instanceof String destination)
                        || !destination.matches("[0-9]{7,15}")) {
                    answer(exchange, 400, error(3, "source and destination: expected numbers, digits only"));
                    return null;
                }
                return placed(exchange, "MakeCall", destination, source);
            }
            case "/call/v1/HangUp" -> {
                if (body.get("call_id") == null) {
                    answer(exchange, 400, error(3, "call_id is required"));
                } else {
                    answer(exchange, 200, "{}");
                }
                return null;
            }
            default -> {
                answer(exchange, 404, error(5, "method not found"));
                return null;
            }
        }
    }

    private PlacedCall placed(HttpExchange exchange, String method, String customer, String shownToOurLeg)
            throws IOException {
        long callId = nextCallId.getAndIncrement();
        PlacedCall call = new PlacedCall(callId, method, customer, shownToOurLeg);
        placed.add(call);
        awaitRelease(makeCallGate);
        answer(exchange, 200, "{\"call_id\":" + callId + "}");
        return call;
    }

    private static void awaitRelease(CountDownLatch gate) {
        if (gate == null) {
            return;
        }
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String error(int code, String message) {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
