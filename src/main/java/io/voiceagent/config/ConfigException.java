package io.voiceagent.config;

import java.util.List;

/** Raised when the environment cannot produce a valid {@link Config}; lists every problem at once. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
