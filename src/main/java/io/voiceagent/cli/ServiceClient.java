package io.voiceagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.ApiEndpoint;
import io.voiceagent.config.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Talks to the running service's HTTP API, as configured by HTTP_HOST, HTTP_PORT and API_TOKEN
 * or the {@code --url} and {@code --token} options. */
final class ServiceClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final Optional<Secret> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    private ServiceClient(URI base, Optional<Secret> token) {
        this.base = base;
        this.token = token;
    }

    /** A client for the service that {@code endpoint} describes; a wildcard bind address means this host. */
    static ServiceClient forEndpoint(ApiEndpoint endpoint) throws CliFailure {
        if (endpoint.port() == 0) {
            throw new CliFailure("HTTP_PORT=0 lets the service pick any port, so the CLI cannot find it; "
                    + "set HTTP_PORT to the port the service listens on (or pass --url)");
        }
        String host = switch (endpoint.host()) {
            case "", "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> endpoint.host().contains(":") && !endpoint.host().startsWith("[")
                    ? "[" + endpoint.host() + "]" : endpoint.host();
        };
        return at(URI.create("http://" + host + ":" + endpoint.port()), endpoint.token());
    }

    /**
     * A client for the service at {@code base} (e.g. {@code https://calls.example.org/voiceagent}, behind a
     * reverse proxy): API paths are appended to it.
     */
    static ServiceClient at(URI base, Optional<Secret> token) {
        String text = base.toString();
        return new ServiceClient(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text),
                token.filter(t -> !t.isEmpty()));
    }

    /** What the service answered: the status and the JSON object body (empty map when none). */
    record Reply(int status, Map<String, Object> body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The service's {@code message}, or the status when the body has none. */
        String message() {
            return body.get("message") instanceof String m ? m : "HTTP " + status;
        }
    }

    Reply get(String path) throws CliFailure {
        return send(request(path).GET());
    }

    Reply post(String path, Map<String, Object> body) throws CliFailure {
        return send(jsonPost(path, body));
    }

    /** A CSV body, e.g. a campaign's contacts. */
    Reply postCsv(String path, String csv) throws CliFailure {
        return send(request(path).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    /** A text answer (CSV) as it is; a refusal as a failure with the service's message. */
    String getText(String path, String accept) throws CliFailure {
        HttpRequest.Builder builder = request(path).setHeader("Accept", accept);
        try {
            HttpResponse<String> response = http.send(builder.GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw refusedToken();
            }
            if (response.statusCode() / 100 != 2) {
                throw new CliFailure(new Reply(response.statusCode(), parse(response.body())).message());
            }
            return response.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    /**
     * {@code POST /api/calls/start} with an {@code Idempotency-Key}. When the answer is lost (timeout,
     * broken connection) the same request is sent once more with the same key: the service then
     * answers with the call the first one placed, if it got that far, instead of dialing again.
     */
    Reply startCall(Map<String, Object> body, String idempotencyKey) throws CliFailure {
        HttpRequest.Builder request = jsonPost("/api/calls/start", body).header("Idempotency-Key", idempotencyKey);
        try {
            return send(request);
        } catch (AnswerLost lost) {
            return send(request);
        }
    }

    private HttpRequest.Builder jsonPost(String path, Map<String, Object> body) throws CliFailure {
        try {
            return request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(body)));
        } catch (IOException e) {
            throw new CliFailure("cannot encode the request: " + e.getMessage());
        }
    }

    /**
     * Reads {@code GET /api/events} (resuming after {@code lastEventId} when given), runs
     * {@code onOpen} once the stream is open, then hands each event to {@code handler} until it
     * answers false or the stream ends.
     */
    void events(Optional<String> lastEventId, Runnable onOpen, Predicate<ServerSentEvent> handler)
            throws CliFailure {
        HttpRequest.Builder builder = HttpRequest.newBuilder(at("/api/events"))
                .header("Accept", "text/event-stream");
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t.reveal()));
        lastEventId.ifPresent(id -> builder.header("Last-Event-ID", id));
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(builder.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() == 401) {
                throw refusedToken();
            }
            if (response.statusCode() != 200) {
                throw new CliFailure("the service's event stream answered HTTP " + response.statusCode()
                        + " (GET /api/events); is the service older than this command line?");
            }
            onOpen.run();
            Optional<String> id = Optional.empty();
            String type = "message";
            StringBuilder data = new StringBuilder();
            for (java.util.Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty() && !handler.test(new ServerSentEvent(id, type, data.toString()))) {
                        return;
                    }
                    id = Optional.empty();
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = Optional.of(line.substring(3).strip());
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new CliFailure("the event stream from " + base + " broke off: " + e.getCause().getMessage());
        }
    }

    /** The request may have reached the service, but its answer did not come back. */
    private static final class AnswerLost extends CliFailure {
        AnswerLost(String message) {
            super(message);
        }
    }

    private URI at(String path) {
        return URI.create(base + path);
    }

    URI base() {
        return base;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(at(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t.reveal()));
        return b;
    }

    private Reply send(HttpRequest.Builder builder) throws CliFailure {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw unreachable(e);
        } catch (IOException e) {
            // The request may have reached the service: the caller decides whether it is safe to repeat.
            throw new AnswerLost(unreachable(e).getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
        Reply reply = new Reply(response.statusCode(), parse(response.body()));
        if (reply.status() == 401) {
            throw refusedToken();
        }
        return reply;
    }

    private CliFailure unreachable(IOException e) {
        if (e instanceof ConnectException) {
            return new CliFailure("cannot reach the voiceagent service at " + base
                    + " (connection refused); is it running? Start it with: bin/voiceagent start");
        }
        if (e instanceof HttpTimeoutException) {
            return new CliFailure("the voiceagent service at " + base + " did not answer in time");
        }
        return new CliFailure("cannot talk to the voiceagent service at " + base + ": " + e);
    }

    private static CliFailure refusedToken() {
        return new CliFailure("the service refused the API token (401): set API_TOKEN (or pass --token) to the "
                + "token the service was started with");
    }

    private static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return Objects.requireNonNullElse(JSON.std.mapFrom(body), Map.of());
        } catch (IOException e) {
            return Map.of("message", "unreadable answer: " + body.strip());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
