package io.voiceagent.app;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Runs the service in the foreground until SIGTERM or SIGINT, then shuts down cleanly: stop taking
 * calls, hang up live ones, unregister, flush the journal, exit 0.
 */
public final class Application {
    private static final System.Logger LOG = System.getLogger(Application.class.getName());

    private Application() {
    }

    /** Returns the process exit code: 0 after a clean shutdown, 1 when the service could not start. */
    public static int run(Config config) {
        Logging.configure(config.http().logLevel(), config.http().logFormat(), secretValues(config));
        CountDownLatch stopRequested = new CountDownLatch(1);
        // Handling the signals ourselves (rather than only a shutdown hook) lets a SIGTERM end in exit 0.
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                LOG.log(System.Logger.Level.INFO, "SIG" + signal.getName() + " received: shutting down");
                stopRequested.countDown();
            });
        }
        Module module;
        try {
            module = Module.start(config);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the service could not start: " + e.getMessage());
            return 1;
        }
        banner(System.out, module);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long started = System.nanoTime();
        module.close();
        LOG.log(System.Logger.Level.INFO, "stopped in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        return 0;
    }

    private static void banner(PrintStream out, Module module) {
        Config config = module.config();
        String base = "http://" + config.http().host() + ":" + module.httpPort();
        out.println();
        if (config.demo()) {
            out.println("  voiceagent is running in DEMO mode: no credentials are set, so calls go to the");
            out.println("  built-in simulated carrier and agent on this machine. Nothing leaves it.");
            out.println("  Set SIP_LOGIN, SIP_PASSWORD and ELEVENLABS_AGENT_ID (see README) for real calls.");
        } else {
            out.println("  voiceagent is running: " + (config.exolve().useHttp() ? "Exolve HTTP API" : "SIP")
                    + " mode via " + config.sip().serverHost() + ":" + config.sip().serverPort());
        }
        out.println("  API: " + base + "   try: bin/voiceagent call +79990001122");
        out.println();
        out.flush();
    }

    private static List<String> secretValues(Config config) {
        List<Optional<Secret>> secrets = List.of(config.http().apiToken(), config.exolve().apiKey(),
                config.exolve().webhookSecret(), Optional.of(config.sip().password()), config.elevenLabs().apiKey(),
                config.proxy().flatMap(Config.Proxy::password));
        List<String> values = new ArrayList<>();
        for (Optional<Secret> secret : secrets) {
            secret.filter(s -> !s.isEmpty()).ifPresent(s -> values.add(s.reveal()));
        }
        return values;
    }
}
