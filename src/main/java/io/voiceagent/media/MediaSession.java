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
     * Start sending to (or move to) the far end as its latest SDP describes it. Packets are accepted
     * from its SDP address, and from another source only as {@link RtpSourceLatch} allows; ours go to
     * the source adopted. A far end that holds us ({@link RemoteMedia#holdsUs()}) gets nothing
     * until it resumes, and the media timeout gives way to the hold timeout meanwhile. Until
     * {@link #answered()}, only silence is sent and caller audio is not passed on.
     */
    void connect(RemoteMedia remote);

    /** The agent's formats, from its conversation metadata. Until set, caller audio is not passed on. */
    void setAgentFormats(AgentAudioFormat userInput, AgentAudioFormat agentOutput);

    /** The call is answered: play queued agent audio from the next 20 ms tick, pass caller audio on. */
    void answered();

    /**
     * While held, queued agent audio stays queued and the phone hears silence (answering-machine
     * detection holds the greeting this way); releasing plays it from the next tick.
     */
    void holdAgentAudio(boolean held);

    /**
     * Queues agent audio (in the agent output format); never waits. The queue is bounded by duration:
     * past it the oldest audio is dropped and counted. Before {@link #answered()} it is held.
     */
    void playAgentAudio(byte[] audio);

    /** Barge-in: drops every queued agent packet; the next tick sends silence. */
    void interrupt();

    /** Runs {@code action} once all agent audio queued so far has been sent (e.g. end_call). */
    void whenQueueDrained(Runnable action);

    /**
     * Queues digits (0-9, *, #, A-D, and the pauses w and W) as RFC 4733 events after any queued
     * before. The future completes once the last one's final packet has been sent, and fails with
     * {@link java.util.concurrent.CancellationException} when the session closes first. Empty when
     * no telephone-event was negotiated (the caller may use SIP INFO instead).
     *
     * @throws IllegalArgumentException when {@code digits} holds anything else
     */
    Optional<CompletableFuture<Void>> sendDtmf(String digits);

    MediaStats stats();

    /** From now on, hands a copy of the call's answered audio to {@code tap} (a recording); null stops. */
    default void setAudioTap(AudioTap tap) {
    }

    /** Live figures for the debug endpoint: queue depths, latch state, rejected packets, jitter buffer, RTCP. */
    Map<String, Object> debug();

    @Override
    void close();
}
