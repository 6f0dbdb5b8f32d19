package io.voiceagent.net;

import io.voiceagent.config.Config;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outgoing TCP for the whole service. Without SOCKS5_PROXY the {@link HttpClient} connects directly;
 * with it, the client's proxy is a {@link LoopbackHttpTunnel} on 127.0.0.1 that carries each
 * connection through the SOCKS5 proxy (jsocks, username/password per RFC 1929, target name resolved
 * by the proxy). TLS stays end to end, so certificates are checked by this client as usual.
 */
public final class ProxiedConnections implements OutboundConnections {
    private static final System.Logger LOG = System.getLogger(ProxiedConnections.class.getName());
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How {@code java.net.http} reports a CONNECT answered with something other than 200. */
    private static final Pattern TUNNEL_STATUS = Pattern.compile("Tunnel failed, got: (\\d{3})");

    private final ExecutorService executor;
    private final Optional<Config.Proxy> proxy;
    private final Optional<Socks5Connector> connector;
    private final Optional<LoopbackHttpTunnel> tunnel;
    private final HttpClient http;
    private final URI probe;

    /** @param probe where {@link #check()} makes its test connection: a host the service really uses */
    public ProxiedConnections(Optional<Config.Proxy> proxy, URI probe) {
        this(proxy, defaultSslContext(), probe, CONNECT_TIMEOUT);
    }

    /**
     * @param sslContext   trust for the client's TLS (tests pass one that trusts their own CA)
     * @param probe        where {@link #check()}'s test connection goes (host and port, or the scheme's port)
     * @param socksTimeout how long a SOCKS5 connection may take to set up; shorter in tests
     */
    ProxiedConnections(Optional<Config.Proxy> proxy, SSLContext sslContext, URI probe, Duration socksTimeout) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(sslContext, "sslContext");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.connector = proxy.map(p -> new Socks5Connector(p, socksTimeout));
        this.tunnel = connector.map(ProxiedConnections::startTunnel);
        // Virtual threads for the client's own work, like the rest of the service: its default pool
        // would keep up to one cached platform thread per concurrent call for a minute after each burst.
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(sslContext)
                .followRedirects(HttpClient.Redirect.NEVER);
        tunnel.ifPresentOrElse(
                t -> builder.proxy(ProxySelector.of(t.address())),
                () -> builder.proxy(HttpClient.Builder.NO_PROXY));
        this.http = builder.build();
        proxy.ifPresent(p -> LOG.log(System.Logger.Level.INFO,
                "outgoing TCP goes through SOCKS5 proxy " + p.describe() + " (remote DNS) via tunnel "
                        + tunnel.orElseThrow().address()));
    }

    private static LoopbackHttpTunnel startTunnel(Socks5Connector connector) {
        try {
            return new LoopbackHttpTunnel(connector);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the loopback SOCKS tunnel", e);
        }
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context in this JDK", e);
        }
    }

    @Override
    public HttpClient httpClient() {
        return http;
    }

    @Override
    public Optional<String> proxyFailureCause(Throwable failure) {
        if (proxy.isEmpty()) {
            return Optional.empty();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProxyConnectException e) {
                return Optional.of(e.failure().cause());
            }
            if (t.getMessage() != null) {
                Matcher m = TUNNEL_STATUS.matcher(t.getMessage());
                if (m.find()) {
                    return ProxyFailure.fromTunnelStatus(Integer.parseInt(m.group(1))).map(ProxyFailure::cause);
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Object> check() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("configured", proxy.isPresent());
        out.put("proxy", proxy.map(Config.Proxy::describe).orElse(""));
        out.put("remote_dns", proxy.isPresent());
        out.put("test", testConnection());
        return out;
    }

    private Map<String, Object> testConnection() {
        String host = probe.getHost();
        int port = probe.getPort() != -1 ? probe.getPort() : "http".equalsIgnoreCase(probe.getScheme()) ? 80 : 443;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("target", host + ":" + port);
        long started = System.nanoTime();
        try (Socket socket = open(host, port)) {
            result.put("ok", true);
        } catch (ProxyConnectException e) {
            result.put("ok", false);
            result.put("cause", e.failure().cause());
            result.put("message", e.getMessage());
        } catch (IOException e) {
            result.put("ok", false);
            result.put("cause", "connect_failed");
            result.put("message", e.toString());
        }
        result.put("elapsed_ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return result;
    }

    private Socket open(String host, int port) throws IOException {
        if (connector.isPresent()) {
            return connector.get().connect(host, port);
        }
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
        return socket;
    }

    @Override
    public void close() {
        tunnel.ifPresent(LoopbackHttpTunnel::close);
        http.shutdownNow();
        executor.shutdownNow();
    }
}
