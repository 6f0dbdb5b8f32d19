package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CR/LF, ANSI escapes and NULs sent through every input of the whole service (API, webhook, SIP, the
 * agent's words), with each log line the service writes checked in both formats: one line per event
 * (a stack trace only on indented continuation lines), no raw control character, and the hostile text
 * still there, escaped, so nothing is hidden either.
 */
@Tag("slow")
class LogInjectionTest {
    private static final String HOSTILE = "Hi\r\n2026-11-25T10:00:00Z ERROR [Forged] x \u001b[31mred\u001b[0m \u0000nul";
    private static final String HOSTILE_JSON = "Hi\\r\\n2026-11-25T10:00:00Z ERROR [Forged] x \\u001b[31mred\\u001b[0m \\u0000nul";
    private static final String ESCAPED = "Hi\\r\\n2026-11-25T10:00:00Z ERROR [Forged] x \\x1b[31mred\\x1b[0m \\x00nul";

    @TempDir
    Path dataDir;
    private final List<String> textLines = new CopyOnWriteArrayList<>();
    private final List<String> jsonLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final Formatter text = Logging.formatter("text", List.of());
        private final Formatter json = Logging.formatter("json", List.of());

        @Override
        public void publish(LogRecord record) {
            textLines.add(text.format(record));
            jsonLines.add(json.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger root = Logger.getLogger("");
    private final Logger service = Logger.getLogger("io.voiceagent");
    private Level rootLevel;
    private Level serviceLevel;
    private Module module;
    private int sipBase;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        rootLevel = root.getLevel();
        serviceLevel = service.getLevel();
        service.setLevel(Level.FINE);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        sipBase = ThreadLocalRandom.current().nextInt(40_000, 49_000);
        int rtpBase = ThreadLocalRandom.current().nextInt(20_000, 28_000) & ~1;
        Config config = ConfigLoader.fromMap(Map.of(
                "HTTP_PORT", "0",
                "DATA_DIR", dataDir.toString(),
                "SIP_PORT_MIN", Integer.toString(sipBase),
                "SIP_PORT_MAX", Integer.toString(sipBase + 20),
                "RTP_PORT_MIN", Integer.toString(rtpBase),
                "RTP_PORT_MAX", Integer.toString(rtpBase + 200),
                "CALL_RING_TIMEOUT_S", "5"));
        module = Module.start(config);
    }

    @AfterEach
    void stop() {
        if (module != null) {
            module.close();
        }
        root.removeHandler(capture);
        root.setLevel(rootLevel);
        service.setLevel(serviceLevel);
        http.close();
    }

    @Test
    void hostileTextThroughEveryInputStaysEscapedOnItsOwnLine() throws Exception {
        // API and agent: the first message is what the agent says, and the service logs the transcript.
        HttpResponse<String> started = post("/api/calls/start", "{\"phone_number\":\"+79990000003\","
                + "\"first_message\":" + JSON.std.asString(HOSTILE) + ",\"metadata\":{\"note\":"
                + JSON.std.asString(HOSTILE) + "}}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String callId = (String) JSON.std.mapFrom(started.body()).get("id");
        post("/api/calls/%0d%0aFORGED%1b%5b2J", "{}");
        // Webhook: no secret is configured, so anyone can post one.
        post("/webhooks/exolve/callback", "{\"type\":" + JSON.std.asString(HOSTILE) + ",\"call_id\":"
                + JSON.std.asString("id\u001b[2J\u0000\r\nINFO forged") + "}");
        // SIP: a malformed request and a stray response with escapes and NULs in their headers.
        sendSip("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKa\u001b[31m\r\n"
                + "no colon here \u001b]0;pwned\u0007 \u0000\r\n\r\n");
        sendSip("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKevil\u001b[2J\r\n"
                + "Call-ID: evil\u0000" + "\u001b[31m\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
                + "Content-Length: 0\r\n\r\n");

        awaitLine(l -> l.contains("transcript agent: " + ESCAPED));
        awaitLine(l -> l.contains("malformed SIP message"));
        awaitLine(l -> l.contains("evil\\x00\\x1b[31m"));
        awaitLine(l -> l.contains("stage=ended"));

        assertThat(textLines).anySatisfy(l -> assertThat(l).contains("Exolve event " + ESCAPED));
        assertThat(textLines).anySatisfy(l -> assertThat(l).contains("\\r\\nFORGED\\x1b[2J"));
        for (String event : textLines) {
            List<String> lines = event.lines().toList();
            assertThat(lines.get(0)).as(event).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ (ERROR|WARN |INFO |DEBUG|TRACE) \\[.*");
            assertThat(lines.subList(1, lines.size())).as(event).allSatisfy(l -> assertThat(l).startsWith("\t"));
            assertThat(event).as(event).doesNotContain("\u001b", "\u0000", "\r", "\u0007");
            if (lines.get(0).contains(callId)) {
                assertThat(lines.get(0)).as("the call's id in its place").contains("] call=" + callId + " ");
            }
        }
        assertThat(jsonLines).allSatisfy(line -> {
            assertThat(line.lines()).hasSize(1);
            assertThat(JSON.std.mapFrom(line)).containsKeys("ts", "level", "logger", "call", "msg");
        });
        assertThat(jsonLines).noneSatisfy(l -> assertThat(l).contains(HOSTILE_JSON));
        assertThat(jsonLines).anySatisfy(l -> assertThat(JSON.std.mapFrom(l)).containsEntry("call", callId));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + module.httpPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** To every port the service may have bound for SIP: the first free one in its range. */
    private void sendSip(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int port = sipBase; port <= sipBase + 20; port++) {
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    private void awaitLine(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (textLines.stream().noneMatch(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such log line within 20 s; lines: " + String.join("", textLines));
            }
            Thread.sleep(20);
        }
    }
}
