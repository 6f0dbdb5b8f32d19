package io.voiceagent.call;

import io.voiceagent.ai.AgentCause;
import io.voiceagent.ai.AgentClient;
import io.voiceagent.ai.AgentConversation;
import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentException;
import io.voiceagent.ai.ConversationRequest;
import io.voiceagent.config.Config;
import io.voiceagent.exolve.ExolveApi;
import io.voiceagent.exolve.ExolveEvent;
import io.voiceagent.exolve.ExolveException;
import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.AnsweringMachineDetector;
import io.voiceagent.media.MediaListener;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.media.MediaStats;
import io.voiceagent.media.RemoteMedia;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SdpEndpoint;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.tools.CallControl;
import io.voiceagent.tools.PhoneTools;
import io.voiceagent.transfer.CallTransfer;
import io.voiceagent.transfer.SdpMedia;
import io.voiceagent.transfer.TransferSummary;
import io.voiceagent.transfer.TransferableCall;
import io.voiceagent.transfer.Transfers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One call from dialing to its end: the state machine that joins the phone leg (SIP), the audio
 * (media session) and the agent (conversation). Transitions are serial under one lock, and
 * {@link #end} tears everything down exactly once, never under that lock (closing media waits for
 * the RTP receiver thread, which must never wait for a call). Media threads never take the lock:
 * DTMF is handed to a serial executor, the first-packet flag is atomic.
 *
 * <p>With {@code AI_CONNECT=ringing} the conversation is opened at the first 18x and its greeting
 * (the first agent turn) is held in the media queue, so the callee hears it from the first packet
 * after the answer; later agent turns before the answer are dropped and counted, and the agent is
 * sent {@code user_activity} every second so that it does not take turns at a ringing phone. With
 * {@code AI_CONNECT=answer} it is opened at the answer.
 */
final class LiveCall implements MediaListener {
    private static final System.Logger LOG = System.getLogger(LiveCall.class.getName());
    /** Under the 2 s for which one user_activity keeps the agent from taking a turn. */
    private static final long USER_ACTIVITY_INTERVAL_MS = 1000;
    private static final long NO_TURN = Long.MIN_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final CallRepository repository;
    private final Consumer<LiveCall> onEnded;
    private final ServiceMetrics metrics;
    private final MediaSession media;
    private final Optional<ExolveApi> exolve;
    private final AgentClient agents;
    private final Config.AiConnect aiConnect;
    private final PhoneTools tools;
    private final CallTransfer transfer;
    /** While a transfer rings or is bridged: where the caller's audio goes instead of the agent. */
    private volatile Consumer<byte[]> divertedAudio;
    private volatile TransferableCall.AgentFormats agentFormats;
    private final Config.Tools toolSettings;
    /** AMD=local: listens to the first seconds after the answer, the greeting held meanwhile; else null. */
    private final MachineDetection machineDetection;
    private volatile AgentAudioFormat callerAudioFormat;
    private final SerialExecutor mediaEvents = new SerialExecutor(task -> Thread.ofVirtual().name("call-media-event").start(task));
    private final AtomicBoolean firstMediaLogged = new AtomicBoolean();
    private boolean agentRequested;

    private CallRecord record;
    private SipCall sipCall;
    private volatile AgentConversation conversation;
    private volatile boolean answered;
    private boolean heldByFarEnd;
    private boolean ended;
    private Optional<String> heldGreetingLine = Optional.empty();
    private boolean agentEndCallRequested;
    /** The person took the call: the agent's conversation was closed, its last events mean nothing. */
    private volatile boolean agentReleased;
    /** The agent said it reached voicemail: however the call ends, it ends as {@code voicemail}. */
    private boolean reachedVoicemail;
    private Optional<String> lastAgentErrorType = Optional.empty();
    // The agent's events arrive one at a time on its socket's reader; these are that thread's alone.
    private long greetingTurn = NO_TURN;
    private long lastDroppedTurn = NO_TURN;
    private long preAnswerTurnsDropped;
    private long preAnswerAudioBytesDropped;
    private long lastUserActivityMillis = Long.MIN_VALUE / 2;

    /**
     * Opens the call's media session (so its RTP port is known for the SDP). The manager saves the first
     * record, and places the call only once that record is on disk.
     */
    LiveCall(CallRecord initial, MediaSessionFactory mediaSessions, int chunkMs, AgentClient agents,
             Config.AiConnect aiConnect, Config.Tools toolSettings, Transfers transfers, Optional<ExolveApi> exolve,
             ScheduledExecutorService timers, Clock clock,
             CallRepository repository, Consumer<LiveCall> onEnded, ServiceMetrics metrics) throws IOException {
        this.record = initial;
        this.agents = agents;
        this.aiConnect = aiConnect;
        this.exolve = exolve;
        this.clock = clock;
        this.repository = repository;
        this.onEnded = onEnded;
        this.metrics = metrics;
        this.media = mediaSessions.open(initial.id(), chunkMs, this);
        Control control = new Control();
        this.transfer = transfers.forCall(control);
        this.tools = new PhoneTools(control, toolSettings, timers, clock, transfer);
        this.toolSettings = toolSettings;
        this.machineDetection = toolSettings.amd().local()
                ? new MachineDetection(toolSettings.amd(), toolSettings.voicemailAction()) : null;
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

    /** An operator's keys (through the API): as the agent's keypad tools send them. */
    void pressKeys(String digits) {
        tools.pressKeysForOperator(digits);
    }

    /** An operator's transfer (through the API): as the agent's transfer tool makes it; empty when started. */
    Optional<String> transferTo(String digits) {
        return transfer.start(digits, "api", false, CallTransfer.ResultSink.NONE);
    }

    /** Live media figures and, once connected, the agent conversation's counters. */
    Map<String, Object> debug() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("media", media.debug());
        AgentConversation c = conversation;
        out.put("ai", c == null ? Map.of("connected", false) : c.debug());
        return out;
    }

    // ---- the agent ------------------------------------------------------------------------------

    /**
     * With AI_CONNECT=ringing, opens the conversation now: a SIP call asks when the phone starts
     * ringing, not at dial time, so a number that fails straight away (404, 403, 5xx) never opens one;
     * an Exolve HTTP call asks once MakeCall is placed, since its leg arrives only at the answer.
     */
    void connectAgentWhileRinging() {
        if (aiConnect == Config.AiConnect.RINGING) {
            connectAgent();
        }
    }

    /** Opens the conversation in the background, once; a refusal ends the call with the agent's cause. */
    private void connectAgent() {
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
                EndCause code = cause instanceof AgentException ae
                        ? EndCause.fromWire(ae.causeCode()) : EndCause.AI_UNREACHABLE;
                log(System.Logger.Level.WARNING, "AI connect failed: " + code.wireName() + " (" + cause.getMessage() + ")");
                end(CallEnding.failed(code));
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
            Duration aiConnect = sinceStart(clock.instant());
            metrics.aiConnect.observe(aiConnect);
            AgentAudioFormat input = AgentAudioFormat.fromWire(c.userInputFormat()).orElse(null);
            AgentAudioFormat output = AgentAudioFormat.fromWire(c.agentOutputFormat()).orElse(null);
            supportedFormats = input != null && output != null;
            if (supportedFormats) {
                callerAudioFormat = input;
                agentFormats = new TransferableCall.AgentFormats(input, output);
                media.setAgentFormats(input, output);
            } else {
                log(System.Logger.Level.WARNING, "agent uses unsupported audio formats "
                        + c.userInputFormat() + "/" + c.agentOutputFormat());
            }
            update(r -> r.withConversationId(c.conversationId()), true);
            log(System.Logger.Level.INFO, "stage=ai_connected conversation=" + c.conversationId() + " formats="
                    + c.userInputFormat() + "/" + c.agentOutputFormat() + " in "
                    + aiConnect.toMillis() + " ms");
        } finally {
            lock.unlock();
        }
        if (!supportedFormats) {
            end(CallEnding.failed(EndCause.AI_UNSUPPORTED_FORMAT));
        }
    }

    /** On the conversation's socket reader: nothing here waits for anything but the call's short lock. */
    private void onAgentEvent(AgentEvent event) {
        if (agentReleased) {
            return;
        }
        switch (event) {
            case AgentEvent.Audio audio -> onAgentAudio(audio);
            case AgentEvent.AgentResponse response -> transcript("agent", response.text());
            case AgentEvent.AgentResponseCorrection correction ->
                    update(r -> r.withLastAgentLineCorrected(correction.correctedText()), false);
            case AgentEvent.UserTranscript transcript -> transcript("user", transcript.text());
            case AgentEvent.Interruption interruption -> {
                media.interrupt();
                log(System.Logger.Level.DEBUG, "barge-in: agent audio dropped (event " + interruption.eventId() + ")");
            }
            case AgentEvent.EndCallRequested ignored -> onEndCallRequested();
            case AgentEvent.ToolCall call -> {
                AgentConversation c = conversation;
                if (c != null) {
                    tools.onToolCall(call, c);
                } else {
                    log(System.Logger.Level.WARNING, "tool " + call.toolName() + " called before the conversation was set up: ignored");
                }
            }
            case AgentEvent.ServerError error -> onAgentError(error);
            case AgentEvent.Closed closed -> onAgentClosed(closed);
        }
    }

    /**
     * Before the answer only the first agent turn (the greeting) is kept for the callee; a later turn
     * (a re-prompt of a silent "user") would play stale after the greeting, so it is dropped and counted.
     */
    private void onAgentAudio(AgentEvent.Audio audio) {
        if (divertedAudio != null) {
            return; // a transfer rings or has been made: the caller hears the tone or the person
        }
        if (!answered) {
            if (greetingTurn == NO_TURN) {
                greetingTurn = audio.eventId();
            } else if (audio.eventId() != greetingTurn) {
                if (audio.eventId() != lastDroppedTurn) {
                    lastDroppedTurn = audio.eventId();
                    preAnswerTurnsDropped++;
                    log(System.Logger.Level.INFO, "agent turn " + audio.eventId() + " before the answer: dropped");
                }
                preAnswerAudioBytesDropped += audio.audio().length;
                return;
            }
        }
        media.playAgentAudio(audio.audio());
    }

    private void onEndCallRequested() {
        lock.lock();
        try {
            if (ended || agentEndCallRequested) {
                return;
            }
            agentEndCallRequested = true;
        } finally {
            lock.unlock();
        }
        log(System.Logger.Level.INFO, "agent asked to end the call (end_call); ending after its queued audio");
        media.whenQueueDrained(() -> end(new CallEnding(CallStatus.COMPLETED, EndCause.AGENT_END_CALL, EndedBy.AGENT)));
    }

    /** An {@code error} event: the server closes next; the call fails now, with what it said on the record. */
    private void onAgentError(AgentEvent.ServerError error) {
        boolean wasAnswered;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            wasAnswered = answered;
            lastAgentErrorType = error.errorType();
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("source", "ai");
            event.put("type", "error");
            if (error.code().isPresent()) {
                event.put("error_code", error.code().getAsInt());
            }
            error.errorType().ifPresent(type -> event.put("error_type", type));
            event.put("message", error.message());
            event.put("at", clock.instant().toString());
            update(r -> r.withEvent(event), false);
        } finally {
            lock.unlock();
        }
        AgentCause cause = error.code().isPresent()
                ? AgentCause.ofClose(error.code().getAsInt(), error.errorType(), error.message())
                : AgentCause.AI_OPERATIONAL_ERROR;
        log(System.Logger.Level.WARNING, "agent error " + error.errorType().orElse("") + ": " + error.message());
        if (cause == AgentCause.AGENT_ENDED) {
            // 1000 (max duration): an ending, not a fault; the close that follows lets queued audio play out.
            return;
        }
        end(CallEnding.ofAgent(cause, wasAnswered));
    }

    private void onAgentClosed(AgentEvent.Closed closed) {
        boolean wasAnswered;
        boolean endCallRequested;
        Optional<String> errorType;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            wasAnswered = answered;
            endCallRequested = agentEndCallRequested;
            errorType = lastAgentErrorType;
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("source", "ai");
            event.put("type", "close");
            event.put("close_code", closed.code());
            event.put("reason", closed.reason());
            event.put("at", clock.instant().toString());
            update(r -> r.withEvent(event), false);
        } finally {
            lock.unlock();
        }
        AgentCause cause = AgentCause.ofClose(closed.code(), errorType, closed.reason());
        if (cause == AgentCause.AGENT_ENDED && endCallRequested) {
            log(System.Logger.Level.INFO, "agent closed (1000) after end_call; its goodbye plays out first");
        } else if (cause == AgentCause.AGENT_ENDED && wasAnswered) {
            log(System.Logger.Level.INFO, "agent ended the conversation (1000); ending after its queued audio");
            media.whenQueueDrained(() -> end(CallEnding.ofAgent(cause, true)));
        } else {
            log(cause == AgentCause.AGENT_ENDED ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "agent closed the conversation: " + closed.code() + " " + closed.reason() + " (" + cause.wireName() + ")");
            end(CallEnding.ofAgent(cause, wasAnswered));
        }
    }

    /**
     * The greeting's line arrives while the phone rings but is spoken only once the call is answered,
     * so it goes on the transcript then, stamped with the answer time; later lines before the answer
     * belong to turns that are dropped.
     */
    private void transcript(String role, String text) {
        lock.lock();
        try {
            if (!answered && !ended) {
                if (role.equals("agent") && heldGreetingLine.isEmpty()) {
                    heldGreetingLine = Optional.of(text);
                }
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

    /** This call as an INVITE may be matched to it, while {@link #awaitsInboundLeg}. */
    AwaitedLeg awaitedLeg() {
        CallRecord now = snapshot();
        return new AwaitedLeg(now.id(), "call", now.phoneNumber(), now.createdAt(), media, this::acceptInbound);
    }

    /**
     * An Exolve webhook event for this call's transfer leg: kept on the record's events with
     * {@code "leg": "person"}; false when it was already there (a repeated webhook).
     */
    boolean recordPersonLegEvent(ExolveEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>(event.fields());
        fields.put("leg", "person");
        lock.lock();
        try {
            Optional<CallRecord> withEvent = record.withNewEvent(fields);
            withEvent.ifPresent(r -> update(ignored -> r, false));
            return withEvent.isPresent();
        } finally {
            lock.unlock();
        }
    }

    /** Our SDP answer for an inbound INVITE (Exolve HTTP mode), or empty when no codec fits. */
    Optional<InboundCallHandler.Acceptance> acceptInbound(InboundCallHandler.InboundInvite invite, SdpEndpoint ours,
                                                          long sessionId) {
        Optional<SessionDescription> answer = invite.offer().answerWith(ours.address(), ours.port(), sessionId);
        if (answer.isEmpty()) {
            log(System.Logger.Level.WARNING, "inbound INVITE offers no codec we speak");
            return Optional.empty();
        }
        attachSip(invite.call());
        return Optional.of(new InboundCallHandler.Acceptance(id(), answer.get(), this::onSipEvent));
    }

    void onSipEvent(SipCallEvent event) {
        switch (event) {
            case SipCallEvent.Ringing ringing -> {
                connectAgentWhileRinging();
                lock.lock();
                try {
                    if (ended || answered) {
                        return;
                    }
                    if (record.status() == CallStatus.DIALING) {
                        update(r -> r.withStatus(CallStatus.RINGING, clock.instant()), true);
                        metrics.ringingAfterStart.observe(sinceStart(record.ringingAt().orElseThrow()));
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
                log(System.Logger.Level.INFO, "INVITE failed: " + failed.statusCode() + " " + failed.reason());
                end(CallEnding.ofSipFailure(failed.cause()));
            }
            case SipCallEvent.RemoteHangup ignored -> {
                log(System.Logger.Level.INFO, "stage=bye from the far end");
                end(new CallEnding(isAnswered() ? CallStatus.COMPLETED : CallStatus.CANCELED, EndCause.REMOTE_HANGUP,
                        EndedBy.REMOTE));
            }
            case SipCallEvent.SessionRefreshFailed failed -> {
                log(System.Logger.Level.WARNING, "stage=bye sent: " + failed.reason());
                end(new CallEnding(isAnswered() ? CallStatus.COMPLETED : CallStatus.FAILED,
                        EndCause.SESSION_REFRESH_FAILED, EndedBy.SYSTEM));
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
        } finally {
            lock.unlock();
        }
        // Outside the lock: a far end with no codec we speak ends the call, and ending closes media.
        if (!connectMedia(remote)) {
            return;
        }
        Instant now = clock.instant();
        lock.lock();
        try {
            if (ended || answered) {
                return;
            }
            answered = true;
            if (machineDetection != null) {
                // AMD=local: the greeting waits for the verdict (at most AMD_MAX_MS of caller audio).
                media.holdAgentAudio(true);
            }
            media.answered();
            update(r -> r.withStatus(CallStatus.ANSWERED, now), true);
            metrics.answerAfterStart.observe(sinceStart(now));
            log(System.Logger.Level.INFO, "stage=answered media=" + remote.address() + ":" + remote.port());
            heldGreetingLine.ifPresent(line -> {
                update(r -> r.withTranscriptLine(new TranscriptLine("agent", line, now)), false);
                log(System.Logger.Level.INFO, "transcript agent: " + line);
            });
            heldGreetingLine = Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Points media at the far end's SDP; ends the call when it offers nothing we can speak. Never under the lock. */
    private boolean connectMedia(SessionDescription remote) {
        Optional<RemoteMedia> found = SdpMedia.remoteMedia(remote);
        if (found.isEmpty()) {
            log(System.Logger.Level.WARNING, "far end offers no PCMU/PCMA: " + remote.formats());
            end(CallEnding.failed(EndCause.CODEC_MISMATCH));
            return false;
        }
        RemoteMedia far = found.get();
        media.connect(far);
        recordHold(far.holdsUs());
        return true;
    }

    /** Hold periods on the record, from the answer on (a sendonly early-media 183 is no hold). */
    private void recordHold(boolean held) {
        lock.lock();
        try {
            if (!answered || ended || held == heldByFarEnd) {
                return;
            }
            heldByFarEnd = held;
            Instant now = clock.instant();
            update(r -> held ? r.withHoldStarted(now) : r.withHoldEnded(now), true);
            log(System.Logger.Level.INFO, held ? "stage=held by the far end" : "stage=resumed by the far end");
        } finally {
            lock.unlock();
        }
    }

    // ---- media ----------------------------------------------------------------------------------

    /**
     * On a media thread. While the phone rings this is the silence the agent hears, and it carries a
     * {@code user_activity} once a second so that the agent does not re-prompt a phone nobody holds yet.
     */
    @Override
    public void onUserAudio(byte[] chunk) {
        Consumer<byte[]> diverted = divertedAudio;
        AgentConversation c = conversation;
        if (diverted != null) {
            diverted.accept(chunk);
            if (c != null) {
                // A transfer rings: the agent, which may get the caller back, must not end on their silence.
                keepAgentWaiting(c);
            }
            return;
        }
        if (c == null) {
            return;
        }
        if (!answered || detectingMachine(chunk)) {
            keepAgentWaiting(c);
            if (answered) {
                return; // the agent hears the callee once the detection is over
            }
        }
        c.sendUserAudio(chunk);
    }

    /** A {@code user_activity} at most once a second, instead of the caller's audio. */
    private void keepAgentWaiting(AgentConversation c) {
        long now = clock.millis();
        if (now - lastUserActivityMillis >= USER_ACTIVITY_INTERVAL_MS) {
            lastUserActivityMillis = now;
            c.sendUserActivity();
        }
    }

    /**
     * AMD=local on a media thread: feeds the detector and hands what it decides to the serial executor
     * (acting on it takes the call's lock). True while the chunk is the detector's, not the agent's.
     */
    private boolean detectingMachine(byte[] chunk) {
        MachineDetection amd = machineDetection;
        AgentAudioFormat format = callerAudioFormat;
        if (amd == null || format == null || !amd.listening()) {
            return false;
        }
        switch (amd.onAudio(chunk, format)) {
            case MachineDetection.Step.Decided decided -> mediaEvents.execute(() -> onMachineVerdict(decided.verdict()));
            case MachineDetection.Step.GreetingOver over -> mediaEvents.execute(() -> onMachineGreetingOver(over.afterMs()));
            case MachineDetection.Step.Listening listening -> {
            }
            case MachineDetection.Step.Done done -> {
                return false;
            }
        }
        return true; // this chunk was analysed: the agent hears from the next one
    }

    private void onMachineVerdict(AnsweringMachineDetector.Verdict verdict) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("source", "amd");
        event.put("type", "amd");
        event.put("result", verdict.result().wireName());
        event.put("reason", verdict.reason().wireName());
        event.put("after_ms", verdict.atMs());
        event.put("words", verdict.words());
        event.put("voice_ms", verdict.voiceMs());
        event.put("at", clock.instant().toString());
        update(r -> r.withEvent(event), true);
        log(System.Logger.Level.INFO, "stage=amd result=" + verdict.result().wireName() + " reason="
                + verdict.reason().wireName() + " after " + verdict.atMs() + " ms");
        if (verdict.result() != AnsweringMachineDetector.Result.MACHINE) {
            media.holdAgentAudio(false);
            return;
        }
        lock.lock();
        try {
            reachedVoicemail = true;
        } finally {
            lock.unlock();
        }
        if (toolSettings.voicemailAction() == Config.VoicemailAction.HANGUP) {
            end(new CallEnding(CallStatus.VOICEMAIL, EndCause.ANSWERING_MACHINE, EndedBy.SYSTEM));
        }
    }

    /** VOICEMAIL_ACTION=leave_message: the machine's greeting and beep are over; the agent speaks. */
    private void onMachineGreetingOver(int afterMs) {
        log(System.Logger.Level.INFO, "stage=amd greeting over " + afterMs + " ms after the verdict: the agent leaves its message");
        media.holdAgentAudio(false);
        AgentConversation c = conversation;
        if (c != null) {
            c.sendContextualUpdate("An answering machine took the call and its greeting is over: leave your "
                    + "message now, then end the call.");
        }
    }

    /** On the RTP receiver: handed off, since recording the digit takes the call's lock. */
    @Override
    public void onDtmf(char digit) {
        metrics.dtmfDigits.inc();
        mediaEvents.execute(() -> {
            update(r -> r.withDtmf(String.valueOf(digit)), false);
            log(System.Logger.Level.INFO, "DTMF " + digit);
            AgentConversation c = conversation;
            if (c != null) {
                c.sendContextualUpdate("The caller pressed the key " + digit + " on their phone keypad.");
            }
        });
    }

    @Override
    public void onFirstPacket() {
        if (firstMediaLogged.compareAndSet(false, true)) {
            log(System.Logger.Level.INFO, "stage=first_media");
        }
    }

    @Override
    public void onMediaTimeout() {
        log(System.Logger.Level.WARNING, "no RTP from the far end: hanging up");
        end(new CallEnding(isAnswered() ? CallStatus.COMPLETED : CallStatus.FAILED, EndCause.MEDIA_TIMEOUT,
                EndedBy.SYSTEM));
    }

    @Override
    public void onHoldTimeout() {
        log(System.Logger.Level.WARNING, "the far end never resumed the held call: hanging up");
        end(new CallEnding(CallStatus.COMPLETED, EndCause.HOLD_TIMEOUT, EndedBy.SYSTEM));
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
            if (event instanceof ExolveEvent.Started && record.status() == CallStatus.DIALING) {
                update(r -> r.withStatus(CallStatus.RINGING, clock.instant()), true);
                metrics.ringingAfterStart.observe(sinceStart(record.ringingAt().orElseThrow()));
            }
        } finally {
            lock.unlock();
        }
        // The answer itself arrives as Exolve's INVITE to our SIP ID (the audio leg), not as this event.
        if (event instanceof ExolveEvent.Ended ended) {
            log(System.Logger.Level.INFO, "Exolve reports the call ended (cause_code "
                    + ended.causeCode().orElse("-") + ")");
            end(new CallEnding(wasAnswered ? CallStatus.COMPLETED : CallStatus.NO_ANSWER, EndCause.PROVIDER_HANGUP,
                    EndedBy.REMOTE));
        }
        return true;
    }

    /** Hangup from our side (API, shutdown): CANCEL before answer, BYE after. */
    void hangup(EndCause cause) {
        end(new CallEnding(isAnswered() ? CallStatus.COMPLETED : CallStatus.CANCELED, cause, EndedBy.US));
    }

    /** The one way a call ends. Idempotent: only the first call tears down. */
    void end(CallEnding asked) {
        CallEnding ending;
        AgentConversation c;
        SipCall sip;
        Optional<String> exolveCallId;
        Optional<Instant> answeredAt;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            // An answered call that reached voicemail ends as voicemail, whoever ends it.
            ending = reachedVoicemail && asked.status() == CallStatus.COMPLETED
                    ? asked.withStatus(CallStatus.VOICEMAIL) : asked;
            c = conversation;
            sip = sipCall;
            exolveCallId = record.exolveCallId();
            answeredAt = record.answeredAt();
        } finally {
            lock.unlock();
        }
        if (sip != null) {
            // A no-op when the leg itself ended the call (BYE, failure); otherwise CANCEL or BYE, even
            // when a webhook said the call is over, so that no dialog is left up on our side.
            sip.hangup();
        } else if (asked.by() != EndedBy.REMOTE) {
            cancelAtExolve(exolveCallId);
        }
        // Whichever side hangs up a bridged transfer ends the other; a ringing person leg is cancelled.
        Optional<TransferSummary> transferred = transfer.onCallEnded(answeredAt.orElse(clock.instant()), clock.instant());
        boolean handedOver = transfer.handedOver();
        if (c != null) {
            // At once and with 1000, answered or not: an unanswered call's conversation costs until closed.
            c.close();
        }
        MediaStats stats = media.stats();
        media.close();
        recordPreAnswerDrops();
        Instant endedAt = clock.instant();
        // A call handed to a person ends as transferred, whoever hangs up afterwards.
        CallEnding last = handedOver ? new CallEnding(CallStatus.COMPLETED, EndCause.TRANSFERRED, ending.by()) : ending;
        update(r -> transferred.map(r::withTransfer).orElse(r).withMedia(stats).withHoldEnded(endedAt)
                .withEnd(last, endedAt), true);
        log(System.Logger.Level.INFO, "stage=ended status=" + last.status().wireName() + " cause="
                + last.cause().wireName() + " by=" + last.by().wireName());
        onEnded.accept(this);
    }

    /** Agent turns dropped before the answer go on the record, once, when the call ends. */
    private void recordPreAnswerDrops() {
        long turns;
        long bytes;
        // Written on the agent's reader; a read here may miss a turn that races the end, which is harmless.
        turns = preAnswerTurnsDropped;
        bytes = preAnswerAudioBytesDropped;
        if (turns == 0) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("source", "ai");
        event.put("type", "pre_answer_turns_dropped");
        event.put("turns", turns);
        event.put("audio_bytes", bytes);
        update(r -> r.withEvent(event), false);
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

    /** From the start request (the first record) to {@code at}. */
    private Duration sinceStart(Instant at) {
        return Duration.between(record.createdAt(), at);
    }

    private void log(System.Logger.Level level, String message) {
        LOG.log(level, "call=" + record.id() + " " + message);
    }

    /** What the agent's tools may do to this call. */
    private final class Control implements CallControl, TransferableCall {

        @Override
        public String callId() {
            return id();
        }

        @Override
        public boolean live() {
            lock.lock();
            try {
                return answered && !ended;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public MediaSession media() {
            return media;
        }

        @Override
        public Optional<SipCall> phoneLeg() {
            lock.lock();
            try {
                return Optional.ofNullable(sipCall);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void endAsVoicemail(boolean now) {
            lock.lock();
            try {
                reachedVoicemail = true;
            } finally {
                lock.unlock();
            }
            if (now) {
                end(new CallEnding(CallStatus.VOICEMAIL, EndCause.VOICEMAIL, EndedBy.AGENT));
            }
        }

        @Override
        public void recordEvent(Map<String, Object> event) {
            update(r -> r.withEvent(event), false);
        }

        @Override
        public Optional<Instant> answeredWhileLive() {
            lock.lock();
            try {
                return answered && !ended ? record.answeredAt() : Optional.empty();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Optional<AgentFormats> agentFormats() {
            return Optional.ofNullable(agentFormats);
        }

        @Override
        public void divertAudio(Consumer<byte[]> sink) {
            divertedAudio = sink;
        }

        @Override
        public void tellAgent(String text) {
            AgentConversation c = conversation;
            if (c != null && !agentReleased) {
                c.sendContextualUpdate(text);
            }
        }

        @Override
        public void closeAgent() {
            AgentConversation c;
            lock.lock();
            try {
                agentReleased = true;
                c = conversation;
                conversation = null;
            } finally {
                lock.unlock();
            }
            if (c != null) {
                log(System.Logger.Level.INFO, "agent conversation closed: the call is the person's now");
                c.close();
            }
        }

        @Override
        public void recordTransfer(TransferSummary summary) {
            update(r -> r.withTransfer(summary), true);
        }

        @Override
        public void endTransferred(boolean byAParty) {
            end(new CallEnding(CallStatus.COMPLETED, EndCause.TRANSFERRED, byAParty ? EndedBy.REMOTE : EndedBy.SYSTEM));
        }
    }
}
