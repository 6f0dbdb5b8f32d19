package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.call.CallEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/events}: call events as Server-Sent Events, for the dashboard and the CLI
 * follower. A client that reconnects sends {@code Last-Event-ID} and receives what it missed from
 * the bounded replay buffer; when the buffer no longer holds all of it (or the id is from before a
 * restart), a {@code reset} event comes first, telling it to reload the calls it shows. Without
 * {@code Last-Event-ID} the stream starts with the next event. A comment line every
 * {@link #KEEP_ALIVE} keeps proxies from closing an idle stream and notices a client that left.
 *
 * <p>The token goes in the {@code Authorization} header like everywhere else: the dashboard reads
 * the stream with {@code fetch}, not {@code EventSource}, so no token ever appears in a URL (and so
 * in access logs, proxy logs or browser history).
 */
final class EventRoutes {
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
    /** How long a disconnected EventSource-style client waits before reconnecting. */
    private static final int RETRY_MS = 2000;

    private final CallEvents events;

    EventRoutes(CallEvents events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    List<Route> routes() {
        return List.of(Route.at("/api/events", Access.TOKEN).get(this::stream).build());
    }

    private ApiResponse stream(ApiRequest request) throws ApiException {
        long after = lastEventId(request);
        return ApiResponse.streaming(CONTENT_TYPE, out -> write(out, after))
                .withHeader("X-Accel-Buffering", "no");
    }

    private long lastEventId(ApiRequest request) throws ApiException {
        var header = request.header("Last-Event-ID");
        if (header.isEmpty() || header.get().isBlank()) {
            return events.lastId();
        }
        try {
            long id = Long.parseLong(header.get().strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest("Last-Event-ID: expected the id of an event this stream sent, e.g. 42");
    }

    private void write(OutputStream out, long after) throws IOException {
        send(out, "retry: " + RETRY_MS + "\n: voiceagent call events\n\n");
        long last = after;
        while (true) {
            CallEvents.Batch batch;
            try {
                batch = events.awaitAfter(last, KEEP_ALIVE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.closed()) {
                return;
            }
            StringBuilder text = new StringBuilder();
            if (batch.missedSome()) {
                text.append("event: reset\ndata: ")
                        .append(json(Map.of("reason", "events were missed; reload the calls")))
                        .append("\n\n");
            }
            for (CallEvents.Event event : batch.events()) {
                text.append("id: ").append(event.id()).append('\n')
                        .append("event: ").append(event.type().wireName()).append('\n')
                        .append("data: ").append(json(event.data())).append("\n\n");
            }
            last = batch.newestId();
            send(out, text.isEmpty() ? ": keep-alive\n\n" : text.toString());
        }
    }

    private static String json(Object value) {
        // compact JSON has no raw newlines, so one data: line carries it
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
