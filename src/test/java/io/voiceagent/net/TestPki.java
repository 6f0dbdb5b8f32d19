package io.voiceagent.net;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PKI made with the JDK's keytool at test time: a CA, and a server certificate for
 * localhost / 127.0.0.1 signed by it. Clients trust only the CA, so certificate checking stays on.
 */
final class TestPki implements AutoCloseable {
    private static final String PASS = "test-store-pass";
    private final Path dir;
    private final SSLContext server;
    private final SSLContext client;

    private TestPki(Path dir, SSLContext server, SSLContext client) {
        this.dir = dir;
        this.server = server;
        this.client = client;
    }

    static TestPki generate() throws Exception {
        Path dir = Files.createTempDirectory("voiceagent-pki");
        String ca = dir.resolve("ca.p12").toString();
        String srv = dir.resolve("server.p12").toString();
        String caCert = dir.resolve("ca.crt").toString();
        String csr = dir.resolve("server.csr").toString();
        String srvCert = dir.resolve("server.crt").toString();
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=voiceagent test CA", "-ext", "bc:c", "-validity", "2",
                "-keystore", ca, "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caCert, "-keystore", ca, "-storepass", PASS);
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-validity", "2",
                "-keystore", srv, "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-certreq", "-alias", "server", "-file", csr, "-keystore", srv, "-storepass", PASS);
        keytool("-gencert", "-alias", "ca", "-infile", csr, "-outfile", srvCert, "-rfc", "-validity", "2",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth",
                "-keystore", ca, "-storepass", PASS);
        keytool("-importcert", "-alias", "ca", "-file", caCert, "-noprompt", "-keystore", srv, "-storepass", PASS);
        keytool("-importcert", "-alias", "server", "-file", srvCert, "-keystore", srv, "-storepass", PASS);

        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(srv))) {
            serverStore.load(in, PASS.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverStore, PASS.toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(caCert))) {
            trust.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new TestPki(dir, server, client);
    }

    SSLContext serverContext() {
        return server;
    }

    /** Trusts the test CA and nothing else. */
    SSLContext clientContext() {
        return client;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // Seven short keytool runs: a quick-starting JVM keeps the PKI under a few seconds on busy CPUs.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
