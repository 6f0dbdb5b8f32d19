package io.voiceagent.api;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallEvents;
import io.voiceagent.call.CallService;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.campaigns.CampaignListener;
import io.voiceagent.campaigns.Campaigns;
import io.voiceagent.campaigns.DoNotCallList;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.recordings.RecordingLibrary;
import io.voiceagent.sip.PhoneNumbers;
import io.voiceagent.webhooks.DeliveryLog;
import java.nio.file.Files;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real HttpApi on an ephemeral loopback port over a {@link FakeCallService}, with real campaigns (their
 * journal and do-not-call list in a temporary directory, the scheduler not started), and a client for it.
 */
final class ApiHarness implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");
    /** Nothing recorded: requests unchanged, no files. */
    static final RecordingLibrary NO_RECORDINGS = new RecordingLibrary() {
        @Override
        public StartCallRequest withNotice(StartCallRequest request) {
            return request;
        }

        @Override
        public Optional<Path> file(String callId) {
            return Optional.empty();
        }

        @Override
        public Optional<Map<String, Object>> describe(String callId) {
            return Optional.empty();
        }
    };

    final FakeCallService calls;
    final RecordingDebug debug = new RecordingDebug();
    final ServiceMetrics metrics = new ServiceMetrics();
    final HttpApi api;
    final Campaigns campaigns;
    final Path campaignsDir;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Optional<String> token;

    private ApiHarness(Optional<String> token, Optional<String> webhookSecret, boolean debugEndpoints,
                       int maxCalls) throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        this.calls = new FakeCallService(clock, maxCalls);
        this.token = token;
        Config.Http http = new Config.Http("127.0.0.1", 0, token.map(Secret::of), maxCalls, Path.of("var"), "INFO",
                debugEndpoints, 90, "text");
        this.campaignsDir = Files.createTempDirectory("api-campaigns");
        this.campaigns = Campaigns.open(campaignsDir, Duration.ofDays(90), calls,
                new DoNotCallList(campaignsDir.resolve("dnc.txt"), PhoneNumbers::toE164Digits), clock,
                new java.util.Random(7), maxCalls, java.util.function.UnaryOperator.identity(), CampaignListener.NONE);
        this.api = new HttpApi(http, calls, debug, webhookSecret.map(Secret::of), clock, new CallEvents(1),
                DeliveryLog.NONE, NO_RECORDINGS, metrics, Optional.of(campaigns));
        api.start();
    }

    /**
     * A bare HttpApi, not started, over {@code calls} with {@code events}: no webhook secret, deliveries,
     * recordings or campaigns, metrics of its own.
     */
    static HttpApi bare(Config.Http http, CallService calls, Clock clock, CallEvents events) {
        return new HttpApi(http, calls, new RecordingDebug(), Optional.empty(), clock, events, DeliveryLog.NONE,
                NO_RECORDINGS, new ServiceMetrics(), Optional.empty());
    }

    static ApiHarness open() throws IOException {
        return new ApiHarness(Optional.empty(), Optional.empty(), true, 10);
    }

    static ApiHarness withToken(String token) throws IOException {
        return new ApiHarness(Optional.of(token), Optional.empty(), true, 10);
    }

    static ApiHarness withWebhookSecret(String secret) throws IOException {
        return new ApiHarness(Optional.empty(), Optional.of(secret), true, 10);
    }

    static ApiHarness withSecrets(String token, String webhookSecret) throws IOException {
        return new ApiHarness(Optional.of(token), Optional.of(webhookSecret), true, 10);
    }

    static ApiHarness withDebugEndpoints(boolean on) throws IOException {
        return new ApiHarness(Optional.empty(), Optional.empty(), on, 10);
    }

    static ApiHarness withMaxCalls(int max) throws IOException {
        return new ApiHarness(Optional.empty(), Optional.empty(), true, max);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + api.port() + pathAndQuery);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply postEmpty(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A request with the harness's token (if any) already on it. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        api.close();
        client.close();
        campaigns.close();
        try (var files = Files.walk(campaignsDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A response as the test reads it. */
    record Reply(int status, Map<String, List<String>> headers, String body) {
        Map<String, Object> json() {
            try {
                return JSON.std.mapFrom(body);
            } catch (IOException e) {
                throw new AssertionError("not a JSON object: " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst();
        }

        String error() {
            return (String) json().get("error");
        }

        String message() {
            return (String) json().get("message");
        }
    }

    /** Answers each debug call with a fixed map and counts re-registrations. */
    static final class RecordingDebug implements DebugOperations {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, Object> sip() {
            calls.add("sip");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("registration", "registered");
            m.put("since", NOW);
            m.put("messages", List.of("REGISTER sip:sip.exolve.ru SIP/2.0"));
            m.put("expires_at", Optional.empty());
            return m;
        }

        @Override
        public void sipRegister() {
            calls.add("sipRegister");
        }

        @Override
        public Map<String, Object> aiCheck() {
            calls.add("aiCheck");
            return Map.of("ok", true, "conversation_id", "conv_1", "agent_output_audio_format", "ulaw_8000");
        }

        @Override
        public Map<String, Object> exolveCheck() {
            calls.add("exolveCheck");
            return Map.of("ok", false, "status", 401, "message", "API key rejected");
        }

        @Override
        public Map<String, Object> proxy() {
            calls.add("proxy");
            return Map.of("configured", true, "proxy", "socks5://user:****@127.0.0.1:1080",
                    "password", Secret.of("proxy-pass-value"));
        }
    }
}
