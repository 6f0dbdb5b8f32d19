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
        System.exit(Cli.standard(Application::run).run(args));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
