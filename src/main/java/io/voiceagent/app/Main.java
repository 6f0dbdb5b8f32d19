package io.voiceagent.app;

import io.voiceagent.cli.Cli;

/** The {@code voiceagent} process: the command line, with {@link Application} as the service it starts. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.standard(Application::run).run(args));
    }
}
