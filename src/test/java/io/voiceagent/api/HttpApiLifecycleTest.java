package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voiceagent.call.CallEvents;
import io.voiceagent.config.Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HttpApiLifecycleTest {
    private static HttpApi api(int port) {
        Config.Http http = new Config.Http("127.0.0.1", port, Optional.empty(), 10, Path.of("var"), "INFO", true, 90, "text");
        return ApiHarness.bare(http, new FakeCallService(Clock.systemUTC(), 10), Clock.systemUTC(),
                new CallEvents(1));
    }

    @Test
    void portIsKnownOnlyWhileStartedAndAClosedApiCannotRestart() throws Exception {
        HttpApi api = api(0);
        assertThatThrownBy(api::port).isInstanceOf(IllegalStateException.class);
        api.start();
        assertThat(api.port()).isPositive();
        assertThatThrownBy(api::start).hasMessageContaining("already started");
        api.close();
        api.close();
        assertThatThrownBy(api::start).hasMessageContaining("closed");
    }

    @Test
    void aClosedApiRefusesConnections() throws Exception {
        HttpApi api = api(0);
        api.start();
        int port = api.port();
        api.close();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .build(), HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aTakenPortIsNamedInTheError() throws Exception {
        try (HttpApi first = api(0)) {
            first.start();
            HttpApi second = api(first.port());
            assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port()).hasMessageContaining("HTTP_PORT");
            second.close();
        }
    }

    @Test
    void manyConcurrentRequestsAreAllServed() throws Exception {
        try (ApiHarness harness = ApiHarness.withMaxCalls(1000);
             HttpClient client = HttpClient.newHttpClient()) {
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                replies.add(client.sendAsync(HttpRequest.newBuilder(harness.uri("/api/calls/start"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"phone_number\":\"+7999000" + (1000 + i) + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> reply : replies) {
                assertThat(reply.get().statusCode()).isEqualTo(201);
            }
            assertThat(harness.calls.list(Optional.empty(), 1000)).hasSize(200);
        }
    }
}
