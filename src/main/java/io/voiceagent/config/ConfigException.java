package io.voiceagent.config;

import java.util.List;
import java.util.Optional;

/** Raised when the environment cannot produce a valid {@link Config}; lists every problem at once. */
public final class ConfigException extends Exception {
    private final List<String> problems;
    private final transient Optional<Config> effective;

    public ConfigException(List<String> problems) {
        this(problems, Optional.empty());
    }

    /** @param effective what could be read, bad values as their defaults ({@code voiceagent config} shows it) */
    public ConfigException(List<String> problems, Optional<Config> effective) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
        this.effective = effective;
    }

    public Optional<Config> effective() {
        return effective;
    }

    public List<String> problems() {
        return problems;
    }
}
