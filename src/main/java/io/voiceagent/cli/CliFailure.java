package io.voiceagent.cli;

/** A command could not do its job at run time (service unreachable, call refused); exit code 1. */
class CliFailure extends Exception {
    CliFailure(String message) {
        super(message, null, false, false);
    }
}
