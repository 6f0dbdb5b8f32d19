package io.voiceagent.net;

import io.voiceagent.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.voiceagent.net.SocksTestServers.PASSWORD;
import static io.voiceagent.net.SocksTestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** https and wss to a local TLS server named "localhost", through real SOCKS5 servers, certificates checked. */
@Tag("slow")
class SocksProxyTlsTest {
    private static TestPki pki;
    private static TlsTestServer tls;

    @BeforeAll
    static void startTlsServer() throws Exception {
        pki = TestPki.generate();
        tls = new TlsTestServer(pki.serverContext());
    }

    @AfterAll
    static void stopTlsServer() throws Exception {
        tls.close();
        pki.close();
    }

    @Test
    void httpsAndWssGoThroughJsocksWithoutAuth() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withoutAuth()) {
            assertHttpsAndWssWork(socks.proxy(Optional.empty(), Optional.empty()), pki.clientContext());
            assertThat(socks.requestedHosts()).isNotEmpty().allMatch("localhost"::equals);
        }
    }

    @Test
    void httpsAndWssGoThroughJsocksWithUserPassword() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withUserPassword()) {
            assertHttpsAndWssWork(socks.proxy(Optional.of(USER), Optional.of(PASSWORD)), pki.clientContext());
            assertThat(socks.requestedHosts()).isNotEmpty().allMatch("localhost"::equals);
        }
    }

    @Test
    void httpsAndWssGoThroughMicrosocksWithoutAuth() throws Exception {
        try (SocksTestServers.Microsocks socks = SocksTestServers.Microsocks.withoutAuth()) {
            assertHttpsAndWssWork(socks.proxy(Optional.empty(), Optional.empty()), pki.clientContext());
        }
    }

    @Test
    void httpsAndWssGoThroughMicrosocksWithUserPassword() throws Exception {
        try (SocksTestServers.Microsocks socks = SocksTestServers.Microsocks.withUserPassword()) {
            assertHttpsAndWssWork(socks.proxy(Optional.of(USER), Optional.of(PASSWORD)), pki.clientContext());
        }
    }

    @Test
    void certificateCheckingStaysOnThroughTheProxy() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withoutAuth();
             ProxiedConnections connections = TestConnections.trusting(
                     Optional.of(socks.proxy(Optional.empty(), Optional.empty())), SSLContext.getDefault(), tls.httpsUri())) {
            HttpRequest request = HttpRequest.newBuilder(tls.httpsUri()).timeout(Duration.ofSeconds(10)).build();

            assertThatThrownBy(() -> connections.httpClient().send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(connections.proxyFailureCause(new SSLHandshakeException("untrusted"))).isEmpty();
        }
    }

    @Test
    void directConnectionsNeedNoProxy() throws Exception {
        try (ProxiedConnections connections = TestConnections.trusting(Optional.empty(), pki.clientContext(), tls.httpsUri())) {
            HttpResponse<String> response = connections.httpClient().send(
                    HttpRequest.newBuilder(tls.httpsUri()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo(TlsTestServer.HELLO);
            assertThat(connections.check()).containsEntry("configured", false);
        }
    }

    private static void assertHttpsAndWssWork(Config.Proxy proxy, SSLContext trust) throws Exception {
        try (ProxiedConnections connections = TestConnections.trusting(Optional.of(proxy), trust, tls.httpsUri())) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = connections.httpClient().send(
                        HttpRequest.newBuilder(tls.httpsUri()).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(TlsTestServer.HELLO);
            }

            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket socket = connections.httpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(tls.wssUri(), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                echoed.complete(text.toString());
                            }
                            ws.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText("ping through socks5", true).get(10, TimeUnit.SECONDS);
            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("ping through socks5");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

            assertThat(connections.check()).containsEntry("configured", true)
                    .containsEntry("remote_dns", true)
                    .hasEntrySatisfying("test", test -> assertThat(test.toString()).contains("ok=true"));
            assertThat(connections.check().toString()).doesNotContain(PASSWORD);
        }
    }
}
