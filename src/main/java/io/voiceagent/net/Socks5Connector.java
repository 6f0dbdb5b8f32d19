package io.voiceagent.net;

import io.voiceagent.config.Config;
import socks.CProxy;
import socks.Socks5Proxy;
import socks.SocksException;
import socks.SocksSocket;
import socks.UserPasswordAuthentication;

import java.io.IOException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens TCP connections through a SOCKS5 proxy with jsocks. The target's name is sent to the proxy
 * as a domain name (socks5h): nothing is resolved locally, so no DNS query leaks past the proxy.
 * Only the proxy's own host name is resolved here, as any client must.
 */
final class Socks5Connector {
    private final Config.Proxy proxy;
    private final Duration timeout;

    /** @param timeout how long the whole SOCKS5 exchange (connect, greeting, auth, CONNECT) may take */
    Socks5Connector(Config.Proxy proxy, Duration timeout) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * A connected socket to {@code host:port} through the proxy, or a {@link ProxyConnectException}
     * naming the failure. jsocks has no timeouts of its own, so the exchange runs on a virtual thread
     * that is interrupted at the deadline: interrupting a virtual thread blocked in socket I/O closes
     * that socket, so a silent proxy costs neither a thread nor a socket.
     */
    Socket connect(String host, int port) throws ProxyConnectException {
        Objects.requireNonNull(host, "host");
        CompletableFuture<Socket> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("socks5-connect").start(() -> {
            try {
                result.complete(connectNow(host, port));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(worker, result);
            throw new ProxyConnectException(ProxyFailure.UNREACHABLE, describe(ProxyFailure.UNREACHABLE, host, port)
                    + ": no answer from the proxy within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            abandon(worker, result);
            Thread.currentThread().interrupt();
            throw new ProxyConnectException(ProxyFailure.UNREACHABLE, describe(ProxyFailure.UNREACHABLE, host, port)
                    + ": interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProxyConnectException failure) {
                throw failure;
            }
            throw new ProxyConnectException(ProxyFailure.UNREACHABLE,
                    describe(ProxyFailure.UNREACHABLE, host, port) + ": " + e.getCause(), e.getCause());
        }
    }

    private static void abandon(Thread worker, CompletableFuture<Socket> result) {
        worker.interrupt();
        result.thenAccept(socket -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nobody is using this late socket; it only has to go.
            }
        });
    }

    private Socket connectNow(String host, int port) throws ProxyConnectException {
        Socks5Proxy socks;
        try {
            socks = new Socks5Proxy(proxy.host(), proxy.port());
        } catch (UnknownHostException e) {
            throw new ProxyConnectException(ProxyFailure.UNREACHABLE,
                    "cannot resolve SOCKS5 proxy host " + proxy.describe(), e);
        }
        socks.resolveAddrLocally(false);
        if (proxy.username().isPresent()) {
            String password = proxy.password().map(p -> p.reveal()).orElse("");
            socks.setAuthenticationMethod(UserPasswordAuthentication.METHOD_ID,
                    new UserPasswordAuthentication(proxy.username().get(), password));
        }
        try {
            SocksSocket socket = new SocksSocket(socks, host, port);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (SocksException e) {
            ProxyFailure failure = classify(e.getErrorCode());
            throw new ProxyConnectException(failure, describe(failure, host, port) + ": " + e, e);
        } catch (IOException e) {
            throw new ProxyConnectException(ProxyFailure.UNREACHABLE,
                    describe(ProxyFailure.UNREACHABLE, host, port) + ": " + e, e);
        }
    }

    /** jsocks codes 1-8 are the proxy's own RFC 1928 reply to CONNECT; the larger ones are local failures. */
    static ProxyFailure classify(int jsocksErrorCode) {
        if (jsocksErrorCode > CProxy.SOCKS_SUCCESS && jsocksErrorCode <= CProxy.SOCKS_ADDR_NOT_SUPPORTED) {
            return ProxyFailure.TARGET_REFUSED;
        }
        return switch (jsocksErrorCode) {
            case CProxy.SOCKS_AUTH_FAILURE, CProxy.SOCKS_AUTH_NOT_SUPPORTED -> ProxyFailure.AUTH_FAILED;
            default -> ProxyFailure.UNREACHABLE;
        };
    }

    private String describe(ProxyFailure failure, String host, int port) {
        return failure.cause() + " via " + proxy.describe() + " to " + host + ":" + port;
    }
}
