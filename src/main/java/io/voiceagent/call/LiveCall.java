package io.voiceagent.call;

import io.voiceagent.ai.AgentClient;
import io.voiceagent.ai.AgentConversation;
import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentException;
import io.voiceagent.ai.ConversationRequest;
import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.MediaListener;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.media.MediaStats;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One call from dialing to its end: the state machine that joins the phone leg (SIP), the audio
 * (media session) and the agent (conversation). Every event from any side goes through one lock,
 * so transitions are serial, and {@link #end} tears everything down exactly once.
 *
 * <p>The conversation is opened while the phone rings and its greeting is held in the media queue,
 * so the callee hears it from the first packet after the answer.
 */
final class LiveCall implements MediaListener {
    private static final System.Logger LOG = System.getLogger(LiveCall.class.getName());
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final CallRepository repository;
    private final Consumer<LiveCall> onEnded;
    private final MediaSession media;
    private final Optional<ExolveApi> exolve;
    private final AgentClient agents;
    private boolean agentRequested;
    private final long startedNanos = System.nanoTime();

    private CallRecord record;
    private SipCall sipCall;
    private volatile AgentConversation conversation;
    private boolean answered;
    private boolean ended;
    private boolean firstMediaLogged;
    private long aiConnectNanos = -1;
    private final List<String> heldAgentLines = new ArrayList<>();

    /**
     * Opens the call's media session (so its RTP port is known for the SDP). The manager saves the first
     * record, and places the call only once that record is on disk.
     */
    LiveCall(CallRecord initial, MediaSessionFactory mediaSessions, int chunkMs, AgentClient agents,
             Optional<ExolveApi> exolve, Clock clock, CallRepository repository, Consumer<LiveCall> onEnded)
            throws IOException {
        this.record = initial;
        this.agents = agents;
        this.exolve = exolve;
        this.clock = clock;
        this.repository = repository;
        this.onEnded = onEnded;
        this.media = mediaSessions.open(initial.id(), chunkMs, this);
    }

    String id() {
        return record.id();
    }

    CallRecord snapshot() {
        lock.lock();
        try {
            return record;
        } finally {
            lock.unlock();
        }
    }

    MediaSession media() {
        return media;
    }

    /** Live media figures and, once connected, the agent conversation's counters. */
    Map<String, Object> debug() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("media", media.debug());
        AgentConversation c = conversation;
        out.put("ai", c == null ? Map.of("connected", false) : c.debug());
        return out;
    }

    /** Nanoseconds from dialing to the agent's metadata, or -1 while not connected. */
    long aiConnectNanos() {
        return aiConnectNanos;
    }

    // ---- the agent ------------------------------------------------------------------------------

    /**
     * Opens the conversation in the background, once; a refusal ends the call with the agent's cause.
     * A SIP call asks for it when the phone starts ringing (or answers at once), not at dial time, so a
     * number that fails straight away (404, 403, 5xx) never opens an agent conversation.
     */
    void connectAgent() {
        lock.lock();
        try {
            if (agentRequested || ended) {
                return;
            }
            agentRequested = true;
        } finally {
            lock.unlock();
        }
        StartCallRequest request = record.request();
        ConversationRequest conversationRequest = new ConversationRequest(record.id(), request.firstMessage(),
                request.prompt(), request.language(), request.dynamicVariables());
        agents.connect(conversationRequest, this::onAgentEvent).whenComplete((c, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : failure;
                String code = cause instanceof AgentException ae ? ae.causeCode() : "ai_unreachable";
                log(System.Logger.Level.WARNING, "AI connect failed: " + code + " (" + cause.getMessage() + ")");
                end(CallStatus.FAILED, code, "system");
            } else {
                onAgentConnected(c);
            }
        });
    }

    private void onAgentConnected(AgentConversation c) {
        boolean supportedFormats;
        lock.lock();
        try {
            if (ended) {
                c.close();
                return;
            }
            conversation = c;
            aiConnectNanos = System.nanoTime() - startedNanos;
            AgentAudioFormat input = AgentAudioFormat.fromWire(c.userInputFormat()).orElse(null);
            AgentAudioFormat output = AgentAudioFormat.fromWire(c.agentOutputFormat()).orElse(null);
            supportedFormats = input != null && output != null;
            if (supportedFormats) {
                media.setAgentFormats(input, output);
            } else {
                log(System.Logger.Level.WARNING, "agent uses unsupported audio formats "
                        + c.userInputFormat() + "/" + c.agentOutputFormat());
            }
            update(r -> r.withConversationId(c.conversationId()), true);
            log(System.Logger.Level.INFO, "stage=ai_connected conversation=" + c.conversationId() + " formats="
                    + c.userInputFormat() + "/" + c.agentOutputFormat() + " in "
                    + Duration.ofNanos(aiConnectNanos).toMillis() + " ms");
        } finally {
            lock.unlock();
        }
        if (!supportedFormats) {
            end(CallStatus.FAILED, "ai_unsupported_format", "system");
        }
    }

    private CompletionStage<?> onAgentEvent(AgentEvent event) {
        switch (event) {
            case AgentEvent.Audio audio -> {
                return media.playAgentAudio(audio.audio());
            }
            case AgentEvent.AgentResponse response -> transcript("agent", response.text());
            case AgentEvent.AgentResponseCorrection correction ->
                    update(r -> r.withLastAgentLineCorrected(correction.correctedText()), false);
            case AgentEvent.UserTranscript transcript -> transcript("user", transcript.text());
            case AgentEvent.Interruption interruption -> {
                media.interrupt();
                log(System.Logger.Level.DEBUG, "barge-in: agent audio dropped (event " + interruption.eventId() + ")");
            }
            case AgentEvent.EndCallRequested ignored -> {
                log(System.Logger.Level.INFO, "agent asked to end the call; ending after its queued audio");
                media.whenQueueDrained(() -> end(CallStatus.COMPLETED, "agent_end_call", "agent"));
            }
            case AgentEvent.Closed closed -> onAgentClosed(closed);
        }
        return DONE;
    }

    private void onAgentClosed(AgentEvent.Closed closed) {
        boolean wasAnswered;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            wasAnswered = answered;
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("source", "ai");
            event.put("close_code", closed.code());
            event.put("reason", closed.reason());
            event.put("at", clock.instant().toString());
            update(r -> r.withEvent(event), false);
        } finally {
            lock.unlock();
        }
        if (closed.code() == 1000 && wasAnswered) {
            log(System.Logger.Level.INFO, "agent ended the conversation (1000); ending after its queued audio");
            media.whenQueueDrained(() -> end(CallStatus.COMPLETED, "agent_ended", "agent"));
        } else if (closed.code() == 1000) {
            log(System.Logger.Level.INFO, "agent ended the conversation (1000) before the answer");
            end(CallStatus.FAILED, "agent_ended", "agent");
        } else {
            log(System.Logger.Level.WARNING, "agent closed the conversation: " + closed.code() + " " + closed.reason());
            end(wasAnswered ? CallStatus.COMPLETED : CallStatus.FAILED, "ai_closed_" + closed.code(), "agent");
        }
    }

    /**
     * Agent lines that arrive while the phone rings (the pre-connected greeting) are spoken only once
     * the call is answered, so they go on the transcript then, stamped with the answer time.
     */
    private void transcript(String role, String text) {
        lock.lock();
        try {
            if (!answered && !ended) {
                heldAgentLines.add(text);
                return;
            }
        } finally {
            lock.unlock();
        }
        Instant now = clock.instant();
        update(r -> r.withTranscriptLine(new TranscriptLine(role, text, now)), false);
        log(System.Logger.Level.INFO, "transcript " + role + ": " + text);
    }

    // ---- the phone leg --------------------------------------------------------------------------

    void attachSip(SipCall call) {
        lock.lock();
        try {
            sipCall = call;
            if (ended) {
                call.hangup();
                return;
            }
        } finally {
            lock.unlock();
        }
        update(r -> r.withSipCallId(call.callId()), true);
    }

    /** Exolve accepted MakeCall; its id lets webhooks and a later hangup find the call. */
    void onExolveCallPlaced(String exolveCallId) {
        boolean endedMeanwhile;
        lock.lock();
        try {
            update(r -> r.withExolveCallId(exolveCallId), true);
            endedMeanwhile = ended && sipCall == null;
        } finally {
            lock.unlock();
        }
        // Hung up while MakeCall was in flight: end() had no id to cancel, so cancel now.
        if (endedMeanwhile) {
            cancelAtExolve(Optional.of(exolveCallId));
        }
    }

    /** Exolve HTTP mode: placed, but its audio leg (the inbound INVITE) has not arrived yet. */
    boolean awaitsInboundLeg() {
        lock.lock();
        try {
            return !ended && sipCall == null && record.mode() == CallMode.EXOLVE_HTTP;
        } finally {
            lock.unlock();
        }
    }

    /** Our SDP answer for an inbound INVITE (Exolve HTTP mode), or empty when no codec fits. */
    Optional<InboundCallHandler.Acceptance> acceptInbound(InboundCallHandler.InboundInvite invite, String ourAddress,
                                                          long sessionId) {
        Optional<SessionDescription> answer = invite.offer().answerWith(ourAddress, media.localPort(), sessionId);
        if (answer.isEmpty()) {
            log(System.Logger.Level.WARNING, "inbound INVITE offers no codec we speak");
            return Optional.empty();
        }
        attachSip(invite.call());
        return Optional.of(new InboundCallHandler.Acceptance(answer.get(), this::onSipEvent));
    }

    void onSipEvent(SipCallEvent event) {
        switch (event) {
            case SipCallEvent.Ringing ringing -> {
                connectAgent();
                lock.lock();
                try {
                    if (ended || answered) {
                        return;
                    }
                    if (record.status() == CallStatus.DIALING) {
                        update(r -> r.withStatus(CallStatus.RINGING, clock.instant()), true);
                        log(System.Logger.Level.INFO, "stage=ringing (" + ringing.statusCode() + ")");
                    }
                } finally {
                    lock.unlock();
                }
                ringing.earlyMedia().ifPresent(sdp -> {
                    log(System.Logger.Level.INFO, "early media from " + sdp.address() + ":" + sdp.port());
                    connectMedia(sdp);
                });
            }
            case SipCallEvent.Answered ans -> {
                connectAgent();
                onAnswered(ans.remote());
            }
            case SipCallEvent.Failed failed -> {
                update(r -> r.withSipFailure(failed.statusCode(), failed.reason()), false);
                CallStatus status = switch (failed.cause()) {
                    case BUSY -> CallStatus.BUSY;
                    case NO_ANSWER -> CallStatus.NO_ANSWER;
                    default -> CallStatus.FAILED;
                };
                log(System.Logger.Level.INFO, "INVITE failed: " + failed.statusCode() + " " + failed.reason());
                end(status, failed.cause().wireName(), status == CallStatus.FAILED ? "system" : "remote");
            }
            case SipCallEvent.RemoteHangup ignored -> {
                log(System.Logger.Level.INFO, "stage=bye from the far end");
                end(isAnswered() ? CallStatus.COMPLETED : CallStatus.CANCELED, "remote_hangup", "remote");
            }
            case SipCallEvent.MediaUpdated updated -> {
                log(System.Logger.Level.INFO, "media moved to " + updated.remote().address() + ":" + updated.remote().port());
                connectMedia(updated.remote());
            }
            case SipCallEvent.Dtmf dtmf -> onDtmf(dtmf.digit());
        }
    }

    private boolean isAnswered() {
        lock.lock();
        try {
            return answered;
        } finally {
            lock.unlock();
        }
    }

    private void onAnswered(SessionDescription remote) {
        lock.lock();
        try {
            if (ended || answered) {
                return;
            }
            if (!connectMedia(remote)) {
                return;
            }
            answered = true;
            media.answered();
            Instant now = clock.instant();
            update(r -> r.withStatus(CallStatus.ANSWERED, now), true);
            log(System.Logger.Level.INFO, "stage=answered media=" + remote.address() + ":" + remote.port());
            for (String line : heldAgentLines) {
                update(r -> r.withTranscriptLine(new TranscriptLine("agent", line, now)), false);
                log(System.Logger.Level.INFO, "transcript agent: " + line);
            }
            heldAgentLines.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Points media at the far end's SDP; ends the call when it offers nothing we can speak. */
    private boolean connectMedia(SessionDescription remote) {
        Optional<SessionDescription.Format> codec = remote.firstSupportedCodec();
        if (codec.isEmpty()) {
            log(System.Logger.Level.WARNING, "far end offers no PCMU/PCMA: " + remote.formats());
            end(CallStatus.FAILED, "codec_mismatch", "system");
            return false;
        }
        int telephoneEvent = remote.telephoneEvent().map(SessionDescription.Format::payloadType).orElse(-1);
        media.connect(new InetSocketAddress(remote.address(), remote.port()), codec.get().payloadType(),
                telephoneEvent);
        return true;
    }

    // ---- media ----------------------------------------------------------------------------------

    @Override
    public void onUserAudio(byte[] chunk) {
        AgentConversation c = conversation;
        if (c != null) {
            c.sendUserAudio(chunk);
        }
    }

    @Override
    public void onDtmf(char digit) {
        update(r -> r.withDtmf(String.valueOf(digit)), false);
        log(System.Logger.Level.INFO, "DTMF " + digit);
        AgentConversation c = conversation;
        if (c != null) {
            c.sendContextualUpdate("The caller pressed the key " + digit + " on their phone keypad.");
        }
    }

    @Override
    public void onFirstPacket() {
        lock.lock();
        try {
            if (firstMediaLogged) {
                return;
            }
            firstMediaLogged = true;
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.INFO, "stage=first_media");
    }

    @Override
    public void onMediaTimeout() {
        log(System.Logger.Level.WARNING, "no RTP from the far end: hanging up");
        end(isAnswered() ? CallStatus.COMPLETED : CallStatus.FAILED, "media_timeout", "system");
    }

    // ---- provider events and endings -----------------------------------------------------------

    /** An Exolve webhook event for this call; returns false when it was already applied. */
    boolean onProviderEvent(ExolveEvent event) {
        boolean wasAnswered;
        lock.lock();
        try {
            Optional<CallRecord> withEvent = record.withNewEvent(event.fields());
            if (withEvent.isEmpty()) {
                return false;
            }
            update(r -> withEvent.get(), false);
            if (ended) {
                return true;
            }
            wasAnswered = answered;
            if (event.type().equals("b") && record.status() == CallStatus.DIALING) {
                update(r -> r.withStatus(CallStatus.RINGING, clock.instant()), true);
            }
        } finally {
            lock.unlock();
        }
        if (event.type().equals("d") || event.type().equals("e")) {
            log(System.Logger.Level.INFO, "Exolve reports the call ended (" + event.fields().get("cause_code") + ")");
            end(wasAnswered ? CallStatus.COMPLETED : CallStatus.NO_ANSWER, "provider_hangup", "remote");
        }
        return true;
    }

    /** Hangup from our side (API, shutdown): CANCEL before answer, BYE after. */
    void hangup(String cause) {
        end(isAnswered() ? CallStatus.COMPLETED : CallStatus.CANCELED, cause, "us");
    }

    /** The one way a call ends. Idempotent: only the first call tears down. */
    void end(CallStatus status, String cause, String by) {
        AgentConversation c;
        SipCall sip;
        Optional<String> exolveCallId;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            c = conversation;
            sip = sipCall;
            exolveCallId = record.exolveCallId();
        } finally {
            lock.unlock();
        }
        if (sip != null) {
            // A no-op when the leg itself ended the call (BYE, failure); otherwise CANCEL or BYE, even
            // when a webhook said the call is over, so that no dialog is left up on our side.
            sip.hangup();
        } else if (!by.equals("remote")) {
            cancelAtExolve(exolveCallId);
        }
        if (c != null) {
            c.close();
        }
        MediaStats stats = media.stats();
        media.close();
        update(r -> r.withMedia(stats).withEnd(status, cause, by, clock.instant()), true);
        log(System.Logger.Level.INFO, "stage=ended status=" + status.wireName() + " cause=" + cause + " by=" + by);
        onEnded.accept(this);
    }

    /** Exolve HTTP mode before the audio leg exists: the call lives only at Exolve, so end it there. */
    private void cancelAtExolve(Optional<String> exolveCallId) {
        if (exolve.isEmpty() || exolveCallId.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("exolve-hangup-" + record.id()).start(() -> {
            try {
                exolve.get().hangup(exolveCallId.get());
            } catch (ExolveException e) {
                log(System.Logger.Level.WARNING, "Exolve hang-up failed: " + e.getMessage());
            }
        });
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    private void update(UnaryOperator<CallRecord> change, boolean durable) {
        lock.lock();
        try {
            record = change.apply(record);
            repository.save(record, durable);
        } finally {
            lock.unlock();
        }
    }

    private void log(System.Logger.Level level, String message) {
        LOG.log(level, "call=" + record.id() + " " + message);
    }
}
