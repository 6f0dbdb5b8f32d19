package io.voiceagent.transfer;

import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.MediaSession;
import io.voiceagent.sip.SipCall;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a transfer may do to the call it hands over (the customer's); the call implements it. Every
 * method returns at once, and none but {@link #divertAudio} (which only sets a field) may be called
 * under the transfer's lock (they take the call's).
 */
public interface TransferableCall {

    /** The agent conversation's audio formats, in and out. */
    record AgentFormats(AgentAudioFormat userInput, AgentAudioFormat agentOutput) {
    }

    String callId();

    /** When the customer answered; empty before the answer and once the call has ended. */
    Optional<Instant> answeredWhileLive();

    /** The customer's audio. */
    MediaSession media();

    /** The customer's SIP dialog, once there is one. */
    Optional<SipCall> phoneLeg();

    /** The formats of the agent's conversation, once it is up. */
    Optional<AgentFormats> agentFormats();

    /**
     * From now on the caller's audio (in the agent's input format) goes to {@code sink} instead of the
     * agent, and the agent's audio is no longer played; {@code null} gives the call back to the agent.
     * {@code sink} runs on a media thread: it must only queue.
     */
    void divertAudio(Consumer<byte[]> sink);

    /** A {@code contextual_update} to the agent, when its conversation is up. */
    void tellAgent(String text);

    /** The person took the call: the agent's conversation is closed, which does not end the call. */
    void closeAgent();

    /** Puts the transfer's latest state on the call record. */
    void recordTransfer(TransferSummary summary);

    /**
     * Ends the call as handed over (status completed, cause {@code transferred}), by {@code remote} when
     * {@code byAParty} (the person hung up) and by {@code system} otherwise (a REFER succeeded, a leg's
     * media was lost).
     */
    void endTransferred(boolean byAParty);
}
