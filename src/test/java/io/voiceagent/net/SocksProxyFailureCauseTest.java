package io.voiceagent.net;

import io.voiceagent.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import static io.voiceagent.net.SocksTestServers.PASSWORD;
import static io.voiceagent.net.SocksTestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Each way a proxied connection can fail is named: proxy unreachable, proxy auth rejected, target
 * refused by the proxy. The password appears in no message, check report or log line.
 */
class SocksProxyFailureCauseTest {
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Logger netLogger = Logger.getLogger("io.voiceagent.net");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logLines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        previousLevel = netLogger.getLevel();
        netLogger.setLevel(Level.ALL);
        netLogger.addHandler(capture);
    }

    @AfterEach
    void assertPasswordNeverLogged() {
        netLogger.removeHandler(capture);
        netLogger.setLevel(previousLevel);
        assertThat(logLines).noneMatch(line -> line.contains(PASSWORD));
    }

    @Test
    void wrongPasswordAtJsocksIsProxyAuthFailed() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withUserPassword()) {
            assertFailsAs(socks.proxy(Optional.of(USER), Optional.of(PASSWORD + "-wrong")), "localhost", 443,
                    "proxy_auth_failed");
            assertThat(socks.requestedHosts()).isEmpty();
        }
    }

    @Test
    void wrongPasswordAtMicrosocksIsProxyAuthFailed() throws Exception {
        try (SocksTestServers.Microsocks socks = SocksTestServers.Microsocks.withUserPassword()) {
            assertFailsAs(socks.proxy(Optional.of(USER), Optional.of(PASSWORD + "-wrong")), "localhost", 443,
                    "proxy_auth_failed");
        }
    }

    @Test
    void noCredentialsForAProxyThatDemandsThemIsProxyAuthFailed() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withUserPassword()) {
            assertFailsAs(socks.proxy(Optional.empty(), Optional.empty()), "localhost", 443, "proxy_auth_failed");
        }
    }

    @Test
    void nothingListeningAtTheProxyAddressIsProxyUnreachable() throws Exception {
        Config.Proxy nowhere = new Config.Proxy("127.0.0.1", SocksTestServers.freeLoopbackPort(),
                Optional.of(USER), Optional.of(io.voiceagent.config.Secret.of(PASSWORD)));

        assertFailsAs(nowhere, "localhost", 443, "proxy_unreachable");
    }

    @Test
    void silentProxyIsProxyUnreachableAtTheDeadlineAndItsSocketIsReleased() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> proxySideRead = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = silent.accept()) {
                    proxySideRead.complete(accepted.getInputStream().read(new byte[64]) > 0
                            ? accepted.getInputStream().read() : -1);
                } catch (IOException e) {
                    proxySideRead.complete(-2);
                }
            });
            Config.Proxy proxy = new Config.Proxy("127.0.0.1", silent.getLocalPort(), Optional.empty(), Optional.empty());
            try (ProxiedConnections connections = new ProxiedConnections(Optional.of(proxy), SSLContext.getDefault(),
                    URI.create("https://localhost:443"), Duration.ofMillis(300))) {
                // The request has no timeout of its own: only the proxy's deadline can end it (the get's
                // 20 s only keep a broken build from hanging).
                FutureTask<IOException> attempt = new FutureTask<>(() -> catchThrowableOfType(IOException.class,
                        () -> connections.httpClient().send(HttpRequest.newBuilder(URI.create("https://localhost:443/")).build(),
                                HttpResponse.BodyHandlers.ofString())));
                Thread.ofVirtual().start(attempt);
                IOException failure = attempt.get(20, TimeUnit.SECONDS);

                assertThat(connections.proxyFailureCause(failure)).contains("proxy_unreachable");
                // The greeting was sent, then the abandoned connection was closed: the proxy sees end of stream.
                assertThat(proxySideRead.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
            }
        }
    }

    @Test
    void targetRefusingTheProxysConnectionIsProxyTargetRefused() throws Exception {
        int closedPort = SocksTestServers.freeLoopbackPort();
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withUserPassword()) {
            assertFailsAs(socks.proxy(Optional.of(USER), Optional.of(PASSWORD)), "localhost", closedPort,
                    "proxy_target_refused");
        }
        try (SocksTestServers.Microsocks socks = SocksTestServers.Microsocks.withoutAuth()) {
            assertFailsAs(socks.proxy(Optional.empty(), Optional.empty()), "localhost", closedPort,
                    "proxy_target_refused");
        }
    }

    @Test
    void nameOnlyTheProxyCouldResolveIsSentToItUnresolved() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withoutAuth()) {
            // Resolved locally, this would fail before reaching the proxy, as proxy_unreachable.
            assertFailsAs(socks.proxy(Optional.empty(), Optional.empty()), "no-such-host.invalid", 443,
                    "proxy_target_refused");
            assertThat(socks.requestedHosts()).contains("no-such-host.invalid");
        }
    }

    @Test
    void failuresThatAreNotTheProxysAreNotNamedAsProxyFailures() throws Exception {
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withoutAuth();
             ProxiedConnections connections = connections(socks.proxy(Optional.empty(), Optional.empty()), "localhost", 1)) {
            assertThat(connections.proxyFailureCause(new IOException("connection reset"))).isEmpty();
            assertThat(connections.proxyFailureCause(new IOException("Tunnel failed, got: 502"))).isEmpty();
        }
        try (ProxiedConnections direct = TestConnections.through(Optional.empty())) {
            assertThat(direct.proxyFailureCause(new IOException("Tunnel failed, got: 592"))).isEmpty();
        }
    }

    /** The https request, a wss connection and the check all fail with {@code cause}; no password anywhere. */
    private void assertFailsAs(Config.Proxy proxy, String host, int port, String cause) throws Exception {
        try (ProxiedConnections connections = connections(proxy, host, port)) {
            URI https = URI.create("https://" + host + ":" + port + "/");
            IOException httpsFailure = catchThrowableOfType(IOException.class, () -> connections.httpClient().send(
                    HttpRequest.newBuilder(https).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(connections.proxyFailureCause(httpsFailure)).contains(cause);

            Throwable wssFailure = catchThrowableOfType(Exception.class, () -> connections.httpClient()
                    .newWebSocketBuilder().buildAsync(URI.create("wss://" + host + ":" + port + "/"),
                            new java.net.http.WebSocket.Listener() {
                            }).join());
            assertThat(connections.proxyFailureCause(wssFailure)).contains(cause);

            URI http = URI.create("http://" + host + ":" + port + "/");
            HttpResponse<String> plain = connections.httpClient().send(
                    HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ProxyFailure.fromTunnelStatus(plain.statusCode())).map(ProxyFailure::cause).contains(cause);
            assertThat(plain.body()).doesNotContain(PASSWORD);

            Map<String, Object> check = connections.check();
            @SuppressWarnings("unchecked")
            Map<String, Object> test = (Map<String, Object>) check.get("test");
            assertThat(test).containsEntry("ok", false).containsEntry("cause", cause);
            assertThat(check.toString()).doesNotContain(PASSWORD);
            assertThat(String.valueOf(httpsFailure)).doesNotContain(PASSWORD);
            assertThat(logLines).anyMatch(line -> line.startsWith(cause) && line.contains(proxy.describe()));
        }
    }

    private static ProxiedConnections connections(Config.Proxy proxy, String host, int port) throws Exception {
        return TestConnections.trusting(Optional.of(proxy), SSLContext.getDefault(),
                URI.create("https://" + host + ":" + port));
    }
}
