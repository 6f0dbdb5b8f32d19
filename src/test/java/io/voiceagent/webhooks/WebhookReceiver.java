package io.voiceagent.webhooks;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A customer's webhook endpoint, as a receiver should be written: it checks the signature against
 * the secret (refusing with 400 what does not verify) and answers with the statuses a test scripts
 * (200 once the script is used up). It can go away and come back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Received(String eventId, String signature, boolean signatureValid, Map<String, Object> body,
                    int answered) {
        public String type() {
            return (String) body.get("type");
        }
    }

    private final byte[] secret;
    private final Clock clock;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<Received> all = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Received> arrivals = new LinkedBlockingQueue<>();
    private HttpServer server;
    private int port;

    public WebhookReceiver(String secret, Clock clock) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        start(0);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/hooks/voiceagent?token=receiver-secret");
    }

    /** The next requests are answered with these statuses, in order. */
    synchronized void answerNext(Integer... statuses) {
        script.addAll(List.of(statuses));
    }

    /** Stops listening: connections are refused until {@link #comeBack}. */
    void goAway() {
        server.stop(0);
    }

    void comeBack() throws IOException {
        start(port);
    }

    /** The next request, waiting up to 10 s for it. */
    public Received next() throws InterruptedException {
        Received r = arrivals.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no webhook arrived");
        }
        return r;
    }

    public List<Received> all() {
        return List.copyOf(all);
    }

    private void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        server.createContext("/hooks/voiceagent", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        boolean valid = signature != null
                && WebhookSignature.verify(secret, signature, body, clock.instant().getEpochSecond(), 300);
        int status;
        synchronized (this) {
            status = !valid ? 400 : script.isEmpty() ? 200 : script.pollFirst();
        }
        Received received = new Received(exchange.getRequestHeaders().getFirst("Voiceagent-Event-Id"), signature,
                valid, JSON.std.mapFrom(new String(body, StandardCharsets.UTF_8)), status);
        all.add(received);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
        arrivals.add(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
