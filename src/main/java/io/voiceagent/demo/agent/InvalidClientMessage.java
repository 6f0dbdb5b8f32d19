package io.voiceagent.demo.agent;

/** A client message the real service would refuse; the fake closes the conversation with 1008 and this reason. */
final class InvalidClientMessage extends Exception {
    InvalidClientMessage(String reason) {
        super(reason);
    }
}
