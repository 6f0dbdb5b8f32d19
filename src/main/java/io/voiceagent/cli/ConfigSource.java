package io.voiceagent.cli;

import io.voiceagent.config.ConfigException;
import io.voiceagent.config.ConfigLoader;

/**
 * Where the CLI gets its variables: the environment and {@code .env} in production, maps in tests.
 * Not yet validated: each command validates only what it reads.
 */
@FunctionalInterface
public interface ConfigSource {
    ConfigLoader.Variables variables() throws ConfigException;
}
