package io.voiceagent.app;

import io.voiceagent.config.Config;

/** PLACEHOLDER so that Main compiles on the api branch; the lead's wiring module replaces this file. */
public final class Application {
    private Application() {
    }

    public static int run(Config config) {
        System.err.println("voiceagent: the service is not wired yet (placeholder Application)");
        return 1;
    }
}
