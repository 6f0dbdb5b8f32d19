package io.voiceagent.cli;

import io.voiceagent.config.Config;

/** Runs the service in the foreground until it stops; returns the process exit code. */
@FunctionalInterface
public interface ServiceRunner {
    int run(Config config);
}
