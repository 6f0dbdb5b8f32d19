package io.voiceagent.cli;

import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigException;

/** Where the CLI gets its configuration: the environment and {@code .env} in production, a map in tests. */
@FunctionalInterface
public interface ConfigSource {
    Config load() throws ConfigException;
}
