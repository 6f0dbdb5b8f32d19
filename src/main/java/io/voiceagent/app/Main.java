package io.voiceagent.app;

import io.voiceagent.cli.Cli;

/** The {@code voiceagent} process: the command line, with {@link Application} as the service it starts. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // The JDK's HTTP server waits forever for a slow client by default; bound the time a request
        // may take to arrive and a response to leave, so that no client can hold a connection open.
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "60");
        // The JDK's WebSocket client takes a fresh masking key from one shared SecureRandom for every
        // frame we send (50 a second per call). The default NativePRNG serialises those on one lock
        // around /dev/urandom reads, which the benchmark showed as 11% of CPU and seconds of lock
        // waits at 500 calls; this seed source makes the default SecureRandom the in-memory DRBG.
        // It must be set before anything touches the security providers.
        setIfAbsent("java.security.egd", "file:/dev/./urandom");
        System.exit(Cli.standard(Application::run).run(args));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
