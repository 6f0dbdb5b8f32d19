package io.voiceagent.ai;

import io.voiceagent.metrics.Counter;
import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.ServiceMetrics;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One conversation with an ElevenLabs agent over its WebSocket. It is the socket's listener:
 * it reassembles text frames, answers pings itself, drops agent audio an interruption has cut off,
 * recognises the {@code end_call} tool in both its forms and hands everything else to the
 * {@link AgentListener}. Once {@link #close()} has been called no further events are delivered, so
 * a call that ends itself does not hear its own close echoed back as the agent's.
 *
 * <p>The reader never pauses: it asks for the next message as soon as one is handled, like the
 * official SDKs, because the real service streams speech several times faster than real time and a
 * paused reader would leave pings, interruptions and the close frame stuck behind seconds of audio.
 * Bounding what is buffered is the listener's job (the call's agent-audio queue drops the oldest).
 * Everything runs on java.net.http's reader, one message at a time; sends go through a
 * {@link SendQueue} on {@code sender}, never on the thread that asks for them.
 */
public final class ElevenLabsConversation implements AgentConversation {
    private static final System.Logger LOG = System.getLogger(ElevenLabsConversation.class.getName());

    /** Caller audio frames held while the socket is slow: 10 s of 20 ms chunks. */
    static final int MAX_QUEUED_AUDIO_FRAMES = 500;
    /** Largest text message accepted; agent audio chunks are tens of kilobytes. */
    static final int MAX_MESSAGE_CHARS = 8 * 1024 * 1024;
    static final String END_CALL_TOOL = "end_call";
    private static final String SYSTEM_TOOL_TYPE = "system";
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private enum State { CONNECTING, STARTED, CLOSED_LOCALLY, CLOSED_BY_PEER }

    // The debug keys are the stats' component names in snake_case, worked out once: the dashboard's
    // media sample reads every live call's debug once a second.
    private static final java.lang.reflect.RecordComponent[] STATS_COMPONENTS =
            ConversationStats.class.getRecordComponents();
    private static final String[] STATS_KEYS = java.util.Arrays.stream(STATS_COMPONENTS)
            .map(c -> c.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT))
            .toArray(String[]::new);

    private final ConversationRequest request;
    private final LongSupplier nanoTime;
    private final long createdNanos;
    private final AgentListener listener;
    private final Executor sender;
    private final Histogram pongDelay;
    private final Counter.Child interruptionCount;
    private final CompletableFuture<ElevenLabsConversation> started = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final StringBuilder partialText = new StringBuilder();

    // guarded by lock
    private State state = State.CONNECTING;
    private WebSocket socket;
    private SendQueue sends;
    private String conversationId = "";
    private String agentOutputFormat = "";
    private String userInputFormat = "";
    // written by the socket's reader only (its calls are sequential)
    private long lastInterruptedEventId = Long.MIN_VALUE;
    private long lastAudioEventId = Long.MIN_VALUE;

    private final AtomicLong connectMillis = new AtomicLong();
    private final AtomicLong audioChunksSent = new AtomicLong();
    private final AtomicLong audioBytesSent = new AtomicLong();
    private final AtomicLong audioChunksReceived = new AtomicLong();
    private final AtomicLong audioBytesReceived = new AtomicLong();
    private final AtomicLong audioChunksDiscarded = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong malformedMessages = new AtomicLong();
    private final AtomicLong interruptions = new AtomicLong();
    private final AtomicLong pingsAnswered = new AtomicLong();
    private final AtomicLong lastPingMs = new AtomicLong();
    private final AtomicLong endCallTools = new AtomicLong();

    /**
     * {@code sender} runs the socket's sends (see {@link SendQueue}); a virtual thread per task will do.
     * {@code metrics} times the pongs and counts interruptions.
     */
    ElevenLabsConversation(ConversationRequest request, AgentListener listener, LongSupplier nanoTime,
                           Executor sender, ServiceMetrics metrics) {
        this.request = Objects.requireNonNull(request, "request");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.createdNanos = nanoTime.getAsLong();
        this.listener = Objects.requireNonNull(listener, "listener");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.pongDelay = metrics.pongDelay;
        this.interruptionCount = metrics.agentInterruptions.labels();
    }

    /** Completes when the conversation metadata has arrived; fails with {@link AgentException}. */
    CompletableFuture<ElevenLabsConversation> started() {
        return started;
    }

    /** The socket's listener; its calls arrive one at a time, as java.net.http guarantees. */
    WebSocket.Listener socketListener() {
        return new SocketListener();
    }

    /** How log lines name the conversation: its call first, where the log formatter takes it from. */
    private String logName() {
        String id = conversationId();
        return "call=" + request.callId() + (id.isEmpty() ? "" : " conversation " + id);
    }

    @Override
    public String conversationId() {
        return locked(() -> conversationId);
    }

    @Override
    public String userInputFormat() {
        return locked(() -> userInputFormat);
    }

    @Override
    public String agentOutputFormat() {
        return locked(() -> agentOutputFormat);
    }

    @Override
    public void sendUserAudio(byte[] audio) {
        Objects.requireNonNull(audio, "audio");
        SendQueue queue = locked(() -> state == State.STARTED ? sends : null);
        if (queue != null && queue.sendAudio(ConvaiMessages.userAudioChunk(audio))) {
            audioChunksSent.incrementAndGet();
            audioBytesSent.addAndGet(audio.length);
        }
    }

    @Override
    public void sendContextualUpdate(String text) {
        Objects.requireNonNull(text, "text");
        SendQueue queue = locked(() -> state == State.STARTED ? sends : null);
        if (queue != null) {
            queue.sendControl(ConvaiMessages.contextualUpdate(text));
        }
    }

    @Override
    public void sendUserActivity() {
        SendQueue queue = locked(() -> state == State.STARTED ? sends : null);
        if (queue != null) {
            queue.sendControl(ConvaiMessages.userActivity());
        }
    }

    @Override
    public void close() {
        closeLocally().ifPresent(open -> {
            if (open.sends() != null) {
                open.sends().close(AgentCause.NORMAL_CLOSURE, "", CLOSE_GRACE);
            }
        });
    }

    /** Gives up a conversation that did not start in time: no close handshake, just drop it. */
    void abandon(AgentException why) {
        started.completeExceptionally(why);
        closeLocally().ifPresent(open -> {
            if (open.socket() != null) {
                open.socket().abort();
            }
        });
    }

    private record OpenSocket(WebSocket socket, SendQueue sends) {
    }

    /** Marks the conversation closed from our side and silences it; empty if it was closed already. */
    private Optional<OpenSocket> closeLocally() {
        OpenSocket open;
        lock.lock();
        try {
            if (state == State.CLOSED_LOCALLY || state == State.CLOSED_BY_PEER) {
                return Optional.empty();
            }
            state = State.CLOSED_LOCALLY;
            open = new OpenSocket(socket, sends);
        } finally {
            lock.unlock();
        }
        return Optional.of(open);
    }

    /** Counters for the media debug endpoint; see {@link ConversationStats}. */
    @Override
    public java.util.Map<String, Object> debug() {
        ConversationStats stats = stats();
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < STATS_COMPONENTS.length; i++) {
            try {
                out.put(STATS_KEYS[i], STATS_COMPONENTS[i].getAccessor().invoke(stats));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + STATS_COMPONENTS[i].getName(), e);
            }
        }
        return out;
    }

    public ConversationStats stats() {
        long bytesSent = audioBytesSent.get();
        long bytesReceived = audioBytesReceived.get();
        SendQueue queue = locked(() -> sends);
        return new ConversationStats(connectMillis.get(),
                audioChunksSent.get(), bytesSent, millisOf(bytesSent, userInputFormat()),
                queue == null ? 0 : queue.audioDropped(),
                audioChunksReceived.get(), bytesReceived, millisOf(bytesReceived, agentOutputFormat()),
                audioChunksDiscarded.get(),
                messagesReceived.get(), malformedMessages.get(), interruptions.get(),
                pingsAnswered.get(), lastPingMs.get(),
                queue == null ? 0 : queue.depth(), endCallTools.get());
    }

    /** Milliseconds of audio in {@code bytes} of a wire format such as ulaw_8000 or pcm_16000. */
    static long millisOf(long bytes, String format) {
        int underscore = format.lastIndexOf('_');
        if (underscore < 0) {
            return 0;
        }
        long rate;
        try {
            rate = Long.parseLong(format.substring(underscore + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
        String encoding = format.substring(0, underscore);
        long bytesPerSample = switch (encoding) {
            case "ulaw", "alaw" -> 1;
            case "pcm" -> 2;
            default -> 0;
        };
        return bytesPerSample == 0 || rate == 0 ? 0 : bytes * 1000 / (rate * bytesPerSample);
    }

    // --- socket side ---------------------------------------------------------------------------

    void opened(WebSocket webSocket) {
        boolean abort;
        SendQueue queue = new SendQueue(webSocket, MAX_QUEUED_AUDIO_FRAMES, sender);
        lock.lock();
        try {
            abort = state != State.CONNECTING;
            socket = webSocket;
            sends = queue;
        } finally {
            lock.unlock();
        }
        if (abort) {
            webSocket.abort();
            return;
        }
        queue.sendControl(ConvaiMessages.conversationInitiation(request));
        webSocket.request(1);
    }

    /** One complete text message from the agent, just read off the socket. */
    void received(String text) {
        long readNanos = nanoTime.getAsLong();
        messagesReceived.incrementAndGet();
        ServerMessage message;
        try {
            message = ConvaiMessages.parse(text);
        } catch (AgentException e) {
            malformedMessages.incrementAndGet();
            if (!started.isDone()) {
                failStart(e);
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "{0}: ignored a message: {1}",
                    logName(), e.getMessage());
            requestNextMessage();
            return;
        }
        handle(message, readNanos);
        requestNextMessage();
    }

    void closedByPeer(int code, String reason) {
        if (!markClosedByPeer()) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "{0}: agent closed the socket: {1} {2}",
                logName(), Integer.toString(code), reason); // a code, not "1,011"
        if (started.isDone()) {
            deliver(new AgentEvent.Closed(code, reason));
        } else {
            AgentCause cause = switch (code) {
                case AgentCause.POLICY_VIOLATION -> AgentCause.AI_REJECTED;
                case AgentCause.INTERNAL_ERROR -> AgentCause.AI_SERVER_ERROR;
                default -> AgentCause.AI_PROTOCOL;
            };
            started.completeExceptionally(new AgentException(cause,
                    "ElevenLabs closed the conversation before it started: " + code
                            + (reason.isEmpty() ? "" : " " + reason) + hintFor(cause)));
        }
    }

    /** What an operator should check for a refusal before the conversation started. */
    private static String hintFor(AgentCause cause) {
        return switch (cause) {
            case AI_REJECTED -> " (check that the agent's security settings allow the overrides sent,"
                    + " that every dynamic variable of its prompt is given, and the key or signed URL)";
            case AI_SERVER_ERROR -> " (an error inside ElevenLabs; retry, and report the conversation if it persists)";
            default -> "";
        };
    }

    void failed(Throwable error) {
        if (!markClosedByPeer()) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: connection to the agent lost: {1}",
                logName(), error.toString());
        if (started.isDone()) {
            deliver(new AgentEvent.Closed(AgentCause.ABNORMAL_CLOSURE, "connection lost"));
        } else {
            started.completeExceptionally(switch (error) {
                case AgentException agentError -> agentError;
                case java.net.ProtocolException badFraming -> new AgentException(AgentCause.AI_PROTOCOL,
                        "ElevenLabs broke the WebSocket framing before the conversation started", badFraming);
                default -> new AgentException(AgentCause.AI_UNREACHABLE,
                        "the connection to ElevenLabs was lost before the conversation started", error);
            });
        }
    }

    private boolean markClosedByPeer() {
        SendQueue queue;
        lock.lock();
        try {
            if (state == State.CLOSED_LOCALLY || state == State.CLOSED_BY_PEER) {
                return false;
            }
            state = State.CLOSED_BY_PEER;
            queue = sends;
        } finally {
            lock.unlock();
        }
        if (queue != null) {
            queue.discard();
        }
        return true;
    }

    /** @param readNanos when the message was read off the socket, for the pong's delay */
    private void handle(ServerMessage message, long readNanos) {
        switch (message) {
            case ServerMessage.Metadata metadata -> onMetadata(metadata);
            case ServerMessage.Ping ping -> {
                // Answered here, never behind the listener: a late pong reads as a dead client. Its delay
                // in this process ends when it is handed to the socket, which may be after a send under way.
                SendQueue queue = locked(() -> sends);
                if (queue != null && queue.sendControlNow(ConvaiMessages.pong(ping.eventId()),
                        () -> pongDelay.observeNanos(nanoTime.getAsLong() - readNanos))) {
                    pingsAnswered.incrementAndGet();
                }
                ping.pingMs().ifPresent(lastPingMs::set);
            }
            case ServerMessage.Audio audio -> onAudio(audio);
            case ServerMessage.Interruption interruption -> onInterruption(interruption);
            case ServerMessage.AgentResponse response -> deliver(new AgentEvent.AgentResponse(response.text()));
            case ServerMessage.AgentResponseCorrection correction ->
                    deliver(new AgentEvent.AgentResponseCorrection(correction.correctedText()));
            case ServerMessage.UserTranscript transcript ->
                    deliver(new AgentEvent.UserTranscript(transcript.text()));
            case ServerMessage.ClientToolCall call -> onToolCall(call);
            case ServerMessage.AgentToolResponse response -> onAgentToolResponse(response);
            case ServerMessage.Error error -> onError(error);
            case ServerMessage.Ignored ignored ->
                    LOG.log(System.Logger.Level.TRACE, "{0}: ignored agent message {1}", logName(), ignored.type());
        }
    }

    private void onMetadata(ServerMessage.Metadata metadata) {
        lock.lock();
        try {
            if (state != State.CONNECTING) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: ignored a second conversation_initiation_metadata", logName());
                return;
            }
            state = State.STARTED;
            conversationId = metadata.conversationId();
            agentOutputFormat = metadata.agentOutputFormat();
            userInputFormat = metadata.userInputFormat();
        } finally {
            lock.unlock();
        }
        connectMillis.set((nanoTime.getAsLong() - createdNanos) / 1_000_000);
        LOG.log(System.Logger.Level.INFO, "{0}: started in {1} ms, caller audio {2}, agent audio {3}", logName(),
                connectMillis.get(), metadata.userInputFormat(), metadata.agentOutputFormat());
        started.complete(this);
    }

    private void onAudio(ServerMessage.Audio audio) {
        audioChunksReceived.incrementAndGet();
        audioBytesReceived.addAndGet(audio.audio().length);
        lastAudioEventId = Math.max(lastAudioEventId, audio.eventId());
        if (audio.eventId() <= lastInterruptedEventId) {
            // Still arriving after its interruption: the TTS stream was ahead of the phone.
            audioChunksDiscarded.incrementAndGet();
            return;
        }
        deliver(new AgentEvent.Audio(audio.audio(), audio.eventId()));
    }

    private void onInterruption(ServerMessage.Interruption interruption) {
        interruptions.incrementAndGet();
        interruptionCount.inc();
        // Without an event id, everything heard so far was cut off.
        long cutOff = interruption.eventId().orElse(lastAudioEventId == Long.MIN_VALUE ? 0 : lastAudioEventId);
        lastInterruptedEventId = Math.max(lastInterruptedEventId, cutOff);
        deliver(new AgentEvent.Interruption(lastInterruptedEventId));
    }

    /**
     * The system-tool form of end_call (the server ran it and closes with 1000 next), or another
     * system tool for the call to act on; webhook and MCP tools' outcomes are only logged.
     */
    private void onAgentToolResponse(ServerMessage.AgentToolResponse response) {
        if (!END_CALL_TOOL.equals(response.toolName())) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: agent ran tool {1} ({2})", logName(),
                    response.toolName(), response.toolType());
            if (SYSTEM_TOOL_TYPE.equals(response.toolType()) && !response.isError()) {
                deliver(new AgentEvent.ToolCall(response.toolName(), response.toolCallId(), response.parameters(),
                        AgentEvent.ToolSource.SYSTEM));
            }
            return;
        }
        if (response.isError()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the agent''s end_call tool failed", logName());
            return;
        }
        endCallTools.incrementAndGet();
        deliver(new AgentEvent.EndCallRequested());
    }

    /**
     * An {@code error} event comes just before the server closes. Before the start it is the refusal
     * (its code tells a rejected request from a server fault); after it the call records it.
     */
    private void onError(ServerMessage.Error error) {
        LOG.log(System.Logger.Level.WARNING, "{0}: agent reported an error: code {1}, type {2}: {3}",
                logName(), error.code().isPresent() ? Integer.toString(error.code().getAsInt()) : "none",
                error.errorType().orElse("none"), error.message());
        if (started.isDone()) {
            deliver(new AgentEvent.ServerError(error.code(), error.errorType(), error.message()));
            return;
        }
        AgentCause cause = error.code().isPresent()
                ? AgentCause.ofClose(error.code().getAsInt(), error.errorType(), "")
                : AgentCause.AI_PROTOCOL;
        if (cause == AgentCause.AGENT_ENDED || cause == AgentCause.AI_CLOSED
                || cause == AgentCause.AI_CONNECTION_LOST || cause == AgentCause.AI_OPERATIONAL_ERROR) {
            cause = AgentCause.AI_PROTOCOL;
        }
        failStart(new AgentException(cause, "ElevenLabs refused the conversation: "
                + error.errorType().map(type -> type + ": ").orElse("") + error.message() + hintFor(cause)));
    }

    /** Hands an event to the listener unless we have closed the conversation ourselves. */
    private void deliver(AgentEvent event) {
        if (locked(() -> state == State.CLOSED_LOCALLY)) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, logName() + ": listener threw on " + event.getClass().getSimpleName(), e);
        }
    }

    /** end_call is answered here; every other client tool is the call's to run and answer. */
    private void onToolCall(ServerMessage.ClientToolCall call) {
        if (!END_CALL_TOOL.equals(call.toolName())) {
            deliver(new AgentEvent.ToolCall(call.toolName(), call.toolCallId(), call.parameters(),
                    AgentEvent.ToolSource.CLIENT));
            return;
        }
        sendToolResult(call.toolCallId(), "The call will end after the agent's last words.", false);
        endCallTools.incrementAndGet();
        deliver(new AgentEvent.EndCallRequested());
    }

    @Override
    public void sendToolResult(String toolCallId, String result, boolean isError) {
        SendQueue queue = locked(() -> sends);
        if (queue != null) {
            queue.sendControl(ConvaiMessages.clientToolResult(toolCallId, result, isError));
        }
    }

    private void failStart(AgentException why) {
        if (started.isDone()) {
            return;
        }
        abandon(why);
    }

    private void requestNextMessage() {
        WebSocket openSocket = locked(() -> socket);
        if (openSocket != null) {
            openSocket.request(1);
        }
    }

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private final class SocketListener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            opened(webSocket);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (partialText.length() + data.length() > MAX_MESSAGE_CHARS) {
                partialText.setLength(0);
                malformedMessages.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "{0}: agent message over {1} chars, dropping the connection",
                        logName(), MAX_MESSAGE_CHARS);
                failed(new AgentException(AgentCause.AI_PROTOCOL, "ElevenLabs sent a message over " + MAX_MESSAGE_CHARS + " chars"));
                webSocket.abort();
                return null;
            }
            if (!last) {
                partialText.append(data);
                webSocket.request(1);
                return null;
            }
            String message;
            if (partialText.isEmpty()) {
                message = data.toString();
            } else {
                message = partialText.append(data).toString();
                partialText.setLength(0);
            }
            received(message);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // The protocol is JSON text only.
            malformedMessages.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByPeer(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failed(error);
        }
    }
}
