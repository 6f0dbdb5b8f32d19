package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.JdkWebSocketPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import static io.voiceagent.demo.agent.AgentPeer.INITIATION;
import static io.voiceagent.demo.agent.AgentPeer.awaitEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The upgrade and the signed-URL endpoint refuse what the real service refuses, with its HTTP statuses. */
class UpgradeAuthorisationTest {
    private FakeElevenLabsAgent agent;

    @BeforeEach
    void start() throws Exception {
        agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder().agentId("agent_1").apiKey("sk_test").build());
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void upgradeWithoutApiKeyIsRefused401() {
        assertThat(refusedStatus("?agent_id=agent_1", Map.of())).isEqualTo(401);
    }

    @Test
    void upgradeWithWrongApiKeyIsRefused401() {
        assertThat(refusedStatus("?agent_id=agent_1", Map.of("xi-api-key", "sk_wrong"))).isEqualTo(401);
    }

    @Test
    void upgradeForUnknownAgentIsRefused404() {
        assertThat(refusedStatus("?agent_id=agent_2", Map.of("xi-api-key", "sk_test"))).isEqualTo(404);
        assertThat(refusedStatus("", Map.of("xi-api-key", "sk_test"))).isEqualTo(404);
        assertThat(agent.rejectedRequests()).extracting(RejectedRequest::status).containsExactly(404, 404);
        assertThat(agent.conversations()).isEmpty();
    }

    @Test
    void upgradeWithKeyAndAgentIsAcceptedAndSeesTheRequest() throws Exception {
        try (JdkWebSocketPeer peer = AgentPeer.connect(agent, "?agent_id=agent_1", Map.of("xi-api-key", "sk_test"))) {
            peer.sendText(INITIATION);
            awaitEvent(peer, "conversation_initiation_metadata");
        }
        FakeConversation conversation = agent.conversations().getFirst();
        assertThat(conversation.request().queryParameter("agent_id")).contains("agent_1");
        assertThat(conversation.request().header("xi-api-key")).contains("sk_test");
    }

    @Test
    void signedUrlAdmitsOneConversationWithoutApiKey() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI endpoint = URI.create(agent.apiUri() + FakeElevenLabsAgent.SIGNED_URL_PATH + "?agent_id=agent_1");
            HttpResponse<String> unauthorised = http.send(HttpRequest.newBuilder(endpoint).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauthorised.statusCode()).isEqualTo(401);

            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).header("xi-api-key", "sk_test").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            String signedUrl = (String) AgentPeer.json(response.body()).get("signed_url");
            assertThat(signedUrl).startsWith(agent.webSocketUri() + "?agent_id=agent_1&conversation_signature=");

            try (JdkWebSocketPeer peer = JdkWebSocketPeer.connect(URI.create(signedUrl), Map.of())) {
                peer.sendText(INITIATION);
                awaitEvent(peer, "conversation_initiation_metadata");
            }
            Throwable reuse = catchThrowable(() -> JdkWebSocketPeer.connect(URI.create(signedUrl), Map.of()));
            assertThat(((WebSocketHandshakeException) reuse.getCause()).getResponse().statusCode()).isEqualTo(403);
        }
    }

    @Test
    void signedUrlForUnknownAgentIs404() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI endpoint = URI.create(agent.apiUri() + FakeElevenLabsAgent.SIGNED_URL_PATH + "?agent_id=nobody");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).header("xi-api-key", "sk_test").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("agent_not_found");
        }
    }

    private int refusedStatus(String query, Map<String, String> headers) {
        Throwable failure = catchThrowable(() -> AgentPeer.connect(agent, query, headers));
        assertThat(failure).as("upgrade must be refused").isNotNull();
        assertThat(failure.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
    }
}
