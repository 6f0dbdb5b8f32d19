package io.voiceagent.media;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One call's audio between the phone (RTP) and the agent. Agent audio is queued and paced out at
 * one packet per 20 ms; caller audio is jitter-buffered and handed to the listener in the agent's
 * format. Thread-safe; {@link #close()} is idempotent and releases the port.
 */
public interface MediaSession extends AutoCloseable {

    /** Our even RTP port, for the SDP. */
    int localPort();

    /**
     * What a STUN server (SIP_STUN_SERVER) says this session's RTP socket is mapped to by the NATs on
     * the way: the address and port for the SDP. Empty without STUN or when it gave no answer; the
     * stage completes within a few seconds of the session opening, never exceptionally.
     */
    default CompletionStage<Optional<InetSocketAddress>> rtpMapping() {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /**
     * Start sending to (or move to) the far end's SDP address with the negotiated payload type
     * (0 PCMU, 8 PCMA); {@code telephoneEventPayloadType} is -1 when none was negotiated.
     * Until {@link #answered()}, only silence is sent and caller audio is not passed on.
     */
    void connect(InetSocketAddress remote, int payloadType, int telephoneEventPayloadType);

    /** The agent's formats, from its conversation metadata. Until set, caller audio is not passed on. */
    void setAgentFormats(AgentAudioFormat userInput, AgentAudioFormat agentOutput);

    /** The call is answered: play queued agent audio from the next 20 ms tick, pass caller audio on. */
    void answered();

    /**
     * Queues agent audio (in the agent output format). The stage completes when the queue has room
     * for more, so the producer can apply backpressure instead of the queue growing without bound.
     */
    CompletionStage<Void> playAgentAudio(byte[] audio);

    /** Barge-in: drops every queued agent packet before the next tick. */
    void interrupt();

    /** Runs {@code action} once all agent audio queued so far has been sent (e.g. end_call). */
    void whenQueueDrained(Runnable action);

    /** Sends digits as RFC 4733 events; returns false when no telephone-event was negotiated. */
    boolean sendDtmf(String digits);

    MediaStats stats();

    /** Live figures for the debug endpoint: queue depths, latch state, jitter buffer. */
    Map<String, Object> debug();

    @Override
    void close();
}
