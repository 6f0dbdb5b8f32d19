package io.voiceagent.net;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import org.junit.jupiter.api.Assumptions;
import socks.ProxyMessage;
import socks.ProxyServer;
import socks.UDPEncapsulation;
import socks.server.ServerAuthenticator;
import socks.server.ServerAuthenticatorNone;
import socks.server.UserPasswordAuthenticator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Real SOCKS5 servers on loopback for tests: jsocks' own, in-process, and Debian's microsocks. */
public final class SocksTestServers {
    public static final String USER = "agent";
    public static final String PASSWORD = "s3cret-Pa55";

    private SocksTestServers() {
    }

    /** A running SOCKS5 server. */
    public interface Server extends AutoCloseable {
        int port();

        @Override
        void close();

        default Config.Proxy proxy(Optional<String> user, Optional<String> password) {
            return new Config.Proxy("127.0.0.1", port(), user, password.map(Secret::of));
        }
    }

    /** jsocks' ProxyServer; records the host each CONNECT named, to show the name travelled unresolved. */
    public static final class Jsocks implements Server {
        private final ProxyServer server;
        private final int port;
        private final List<String> requestedHosts = new CopyOnWriteArrayList<>();

        private Jsocks(boolean requireAuth) throws IOException {
            ServerAuthenticator auth = requireAuth
                    ? new UserPasswordAuthenticator((user, pass, socket) -> USER.equals(user) && PASSWORD.equals(pass))
                    : new ServerAuthenticatorNone();
            server = new ProxyServer(new Recording(auth, requestedHosts));
            port = freeLoopbackPort();
            Thread thread = new Thread(() -> server.start(port, 50, InetAddress.getLoopbackAddress()), "jsocks-server");
            thread.setDaemon(true);
            thread.start();
            awaitListening(port);
        }

        public static Jsocks withoutAuth() throws IOException {
            return new Jsocks(false);
        }

        public static Jsocks withUserPassword() throws IOException {
            return new Jsocks(true);
        }

        public List<String> requestedHosts() {
            return List.copyOf(requestedHosts);
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    /** Debian's microsocks as a child process; skipped (or, with CI=true, failed) when not installed. */
    public static final class Microsocks implements Server {
        private static final Path BINARY = Path.of("/usr/bin/microsocks");
        private final Process process;
        private final int port;

        private Microsocks(boolean requireAuth) throws IOException {
            if (!Files.isExecutable(BINARY)) {
                String message = BINARY + " is missing: apt-get install -y microsocks";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new IllegalStateException(message);
                }
                Assumptions.abort(message);
            }
            port = freeLoopbackPort();
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)));
            if (requireAuth) {
                command.addAll(List.of("-u", USER, "-P", PASSWORD));
            }
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                awaitListening(port);
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        public static Microsocks withoutAuth() throws IOException {
            return new Microsocks(false);
        }

        public static Microsocks withUserPassword() throws IOException {
            return new Microsocks(true);
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("SOCKS server did not listen on port " + port, e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    /** Wraps a jsocks authenticator so every session records the host its CONNECT named. */
    private record Recording(ServerAuthenticator delegate, List<String> hosts) implements ServerAuthenticator {
        @Override
        public ServerAuthenticator startSession(Socket socket) throws IOException {
            ServerAuthenticator session = delegate.startSession(socket);
            return session == null ? null : new Recording(session, hosts);
        }

        @Override
        public InputStream getInputStream() {
            return delegate.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() {
            return delegate.getOutputStream();
        }

        @Override
        public UDPEncapsulation getUdpEncapsulation() {
            return delegate.getUdpEncapsulation();
        }

        @Override
        public boolean checkRequest(ProxyMessage message) {
            hosts.add(message.host == null ? String.valueOf(message.ip) : message.host);
            return delegate.checkRequest(message);
        }

        @Override
        public boolean checkRequest(DatagramPacket packet, boolean out) {
            return delegate.checkRequest(packet, out);
        }

        @Override
        public void endSession() {
            delegate.endSession();
        }
    }
}
