package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallEvents;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/events} over real HTTP: the SSE framing, Last-Event-ID replay, the reset, the token. */
class EventStreamTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String TOKEN = "event-stream-token";

    private final CallEvents events = new CallEvents(3);
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Config.Http http = new Config.Http("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), 10, Path.of("var"), "INFO",
                false, 90, "text");
        api = ApiHarness.bare(http, new FakeCallService(clock, 10), clock, events);
        api.start();
    }

    @AfterEach
    void stop() {
        events.close();
        api.close();
        client.close();
    }

    private static CallRecord call(String id, CallStatus status) {
        StartCallRequest request = TestCalls.request("79990001122");
        return CallRecord.dialing(id, CallMode.SIP, request, NOW).withStatus(status, NOW);
    }

    private HttpResponse<Stream<String>> open(Optional<String> lastEventId, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                + "/api/events")).header("Accept", "text/event-stream");
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        lastEventId.ifPresent(id -> request.header("Last-Event-ID", id));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** The next {@code count} events as "id type status-or-reason" lines, skipping comments. */
    private static List<String> read(Iterator<String> lines, int count) {
        List<String> out = new ArrayList<>();
        String id = "-";
        String type = "message";
        while (out.size() < count && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                type = line.substring(7);
            } else if (line.startsWith("data: ")) {
                String data = line.substring(6);
                String detail = data.replaceAll(".*\"(status|reason)\":\"([^\"]*)\".*", "$2");
                out.add(id + " " + type + " " + detail);
                id = "-";
                type = "message";
            }
        }
        return out;
    }

    @Test
    void aReconnectingClientGetsWhatItMissedThenLiveEvents() throws Exception {
        events.onSaved(call("c1", CallStatus.DIALING));
        events.onSaved(call("c1", CallStatus.RINGING));

        HttpResponse<Stream<String>> response = open(Optional.of("1"), true);
        Iterator<String> lines = response.body().iterator();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(EventRoutes.CONTENT_TYPE);
        assertThat(read(lines, 1)).containsExactly("2 call ringing");
        events.onSaved(call("c1", CallStatus.ANSWERED));
        assertThat(read(lines, 1)).containsExactly("3 call answered");
    }

    @Test
    void withoutLastEventIdTheStreamStartsWithTheNextEvent() throws Exception {
        events.onSaved(call("c1", CallStatus.DIALING));

        Iterator<String> lines = open(Optional.empty(), true).body().iterator();
        assertThat(lines.next()).isEqualTo("retry: 2000"); // the stream is open: what follows is new
        events.onSaved(call("c2", CallStatus.DIALING));

        assertThat(read(lines, 1)).containsExactly("2 call dialing");
    }

    @Test
    void aClientTooFarBehindIsToldToReloadBeforeTheEventsStillKept() throws Exception {
        for (String id : List.of("c1", "c2", "c3", "c4", "c5")) {
            events.onSaved(call(id, CallStatus.DIALING));
        }

        Iterator<String> lines = open(Optional.of("1"), true).body().iterator();

        assertThat(read(lines, 4)).containsExactly("- reset events were missed; reload the calls",
                "3 call dialing", "4 call dialing", "5 call dialing");
    }

    @Test
    void theStreamNeedsTheTokenAndAValidLastEventId() throws Exception {
        assertThat(open(Optional.empty(), false).statusCode()).isEqualTo(401);
        assertThat(open(Optional.of("forty-two"), true).statusCode()).isEqualTo(400);
    }

    @Test
    void closingTheEventsEndsOpenStreams() throws Exception {
        Iterator<String> lines = open(Optional.empty(), true).body().iterator();
        assertThat(lines.next()).isEqualTo("retry: 2000");

        events.close();

        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        assertThat(rest).allMatch(line -> line.isEmpty() || line.startsWith(":"));
    }
}
