package io.voiceagent.cli;

/** The command line is wrong; the message says how, and the command's help is printed after it. */
final class UsageException extends Exception {
    private final Command command;

    UsageException(Command command, String message) {
        super(message, null, false, false);
        this.command = command;
    }

    Command command() {
        return command;
    }
}
