package io.voiceagent.demo.agent;

import io.voiceagent.demo.ws.CloseCodes;
import io.voiceagent.demo.ws.CloseStatus;
import io.voiceagent.demo.ws.HttpRequestHead;
import io.voiceagent.demo.ws.WebSocketConnection;
import io.voiceagent.demo.ws.WebSocketListener;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One conversation on the fake agent: the server side of the Conversational AI protocol, plus a record of
 * everything the client sent for tests to assert on.
 *
 * <p>Two threads: the connection's reader (client messages, speech detection) and an agent thread that does
 * all sending (metadata, greeting, replies, pings, interruptions, timeouts), so events leave in protocol
 * order and a slow client never blocks the reader. State is guarded by one lock; sending happens outside it.
 *
 * <p>Speech goes out as the real service's does: {@link FakeAgentOptions#speechSpeed()} times faster than real
 * time, in bursts of uneven size, with a due ping placed anywhere inside a burst and an interruption cutting
 * into one, followed by a chunk or two of the interrupted turn that were already on their way.
 */
public final class FakeConversation implements WebSocketListener {
    private static final System.Logger LOG = System.getLogger(FakeConversation.class.getName());
    private static final int UNANSWERED_PINGS_KEPT = 64;

    private enum Phase { AWAITING_INITIATION, ACTIVE, ENDED }

    /** An agent turn being or waiting to be spoken; all its audio events carry {@code eventId}. */
    private static final class Utterance {
        final String text;
        final byte[] audio;
        final boolean endCallAfter;
        long eventId;
        int sentBytes;
        long startNanos;
        /** The chunk index at which the current burst ends and the next must wait for its time. */
        int burstEnd;

        Utterance(String text, byte[] audio, boolean endCallAfter) {
            this.text = text;
            this.audio = audio;
            this.endCallAfter = endCallAfter;
        }
    }

    private final FakeAgentOptions options;
    private final AudioProbe probe;
    private final HttpRequestHead request;
    private final String conversationId;
    private final long openedNanos = System.nanoTime();
    private final int chunkBytes;
    private final long chunkNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Burst sizes and where a ping falls in one: seeded by the conversation, so a run can be repeated. */
    private final java.util.SplittableRandom random;

    // Everything below is guarded by lock.
    private Phase phase = Phase.AWAITING_INITIATION;
    private WebSocketConnection connection;
    private ClientMessage.Initiation initiation;
    private final ByteArrayOutputStream userAudio = new ByteArrayOutputStream();
    private final List<UserAudioChunk> userAudioChunks = new ArrayList<>();
    private final List<PongReceived> pongs = new ArrayList<>();
    private final List<String> contextualUpdates = new ArrayList<>();
    private final List<ToolResult> toolResults = new ArrayList<>();
    private final List<String> userMessages = new ArrayList<>();
    private final List<String> sentEventTypes = new ArrayList<>();
    private final Deque<Utterance> pendingUtterances = new ArrayDeque<>();
    private final SpeechDetector speechDetector;
    private long userAudioBytes;
    private int userAudioChunkCount;
    private int missedPongs;
    private int unexpectedPongs;
    private int userActivities;
    private long lastUserActivityNanos = Long.MIN_VALUE / 2;
    private boolean callerSpeaking;
    private long lastCallerSpeechNanos;
    private int reprompts;
    private int repliesRequested;
    private boolean metadataPending;
    private boolean interruptRequested;
    private boolean closeRequested;
    private int closeCode;
    private String closeReason;
    private long lastUserAudioNanos;
    private long nextPingNanos;
    private long pingCount;
    /**
     * Pings sent and not answered yet, by event id, with the time each was sent: a pong that comes after the
     * next ping is still matched to its own ping (on a loaded machine it may), and counts as late, not as
     * unexpected. The oldest are forgotten past {@link #UNANSWERED_PINGS_KEPT}, for a client that never answers.
     */
    private final Map<Long, Long> unansweredPings = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > UNANSWERED_PINGS_KEPT;
        }
    };
    private Long lastPingMillis;
    private long eventCount;
    private int toolCallCount;
    private Utterance speaking;
    private Utterance lastSpoken;
    private long playbackEndNanos;
    private CloseStatus closeStatus;

    FakeConversation(FakeAgentOptions options, HttpRequestHead request, String conversationId, AudioProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.options = Objects.requireNonNull(options, "options");
        this.request = Objects.requireNonNull(request, "request");
        this.conversationId = Objects.requireNonNull(conversationId, "conversationId");
        WireAudioFormat format = options.audioFormat();
        long chunkMillis = options.agentChunk().toMillis();
        this.chunkBytes = (int) Math.max(format.bytesPerSecond() / 50, format.bytesPerSecond() * chunkMillis / 1000);
        this.chunkNanos = TimeUnit.SECONDS.toNanos(1) * chunkBytes / format.bytesPerSecond();
        this.random = new java.util.SplittableRandom(conversationId.hashCode());
        this.speechDetector = new SpeechDetector(format.sampleRate(), options.speechThresholdRms(), options.speechEndSilence().toMillis());
    }

    // ---- what the client sent -------------------------------------------------------------------------

    public String conversationId() {
        return conversationId;
    }

    /** The upgrade request (path, query, headers). */
    public HttpRequestHead request() {
        return request;
    }

    /** The raw {@code conversation_initiation_client_data} JSON, once received. */
    public Optional<String> initiationJson() {
        return locked(() -> Optional.ofNullable(initiation).map(ClientMessage.Initiation::json));
    }

    /** The parsed {@code conversation_initiation_client_data}, once received. */
    public Optional<Map<String, Object>> initiation() {
        return locked(() -> Optional.ofNullable(initiation).map(ClientMessage.Initiation::fields));
    }

    /** Every user audio byte received, concatenated, in the conversation's wire format (empty unless recording). */
    public byte[] userAudio() {
        return locked(userAudio::toByteArray);
    }

    /** Arrival time and size of every user audio chunk (empty unless recording). */
    public List<UserAudioChunk> userAudioChunks() {
        return locked(() -> List.copyOf(userAudioChunks));
    }

    /** Decoded user audio bytes received, counted whether or not traffic is recorded. */
    public long userAudioBytes() {
        return locked(() -> userAudioBytes);
    }

    public int userAudioChunkCount() {
        return locked(() -> userAudioChunkCount);
    }

    /** Pongs that matched a ping sent and not answered yet, in the order they came. */
    public List<PongReceived> pongs() {
        return locked(() -> List.copyOf(pongs));
    }

    /** Pings whose pong had not come when the next ping was due (a figure of timing: the pong may still come). */
    public int missedPongs() {
        return locked(() -> missedPongs);
    }

    /** Pongs with an event id that was never pinged or was already answered. */
    public int unexpectedPongs() {
        return locked(() -> unexpectedPongs);
    }

    public List<String> contextualUpdates() {
        return locked(() -> List.copyOf(contextualUpdates));
    }

    public List<ToolResult> toolResults() {
        return locked(() -> List.copyOf(toolResults));
    }

    public List<String> userMessages() {
        return locked(() -> List.copyOf(userMessages));
    }

    public int userActivities() {
        return locked(() -> userActivities);
    }

    /** Turns the agent took on its own after the user stayed silent for the turn timeout. */
    public int reprompts() {
        return locked(() -> reprompts);
    }

    /** The {@code type} of every event sent, in order, audio included (empty unless recording). */
    public List<String> sentEventTypes() {
        return locked(() -> List.copyOf(sentEventTypes));
    }

    /** How the WebSocket ended, once it has. */
    public Optional<CloseStatus> closeStatus() {
        return locked(() -> Optional.ofNullable(closeStatus));
    }

    /** Waits until {@code condition} holds for this conversation; false on timeout. */
    public boolean awaitUntil(Predicate<FakeConversation> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.test(this)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                changed.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the WebSocket to end and returns how it ended. */
    public Optional<CloseStatus> awaitClose(Duration timeout) {
        awaitUntil(conversation -> conversation.closeStatus != null, timeout);
        return closeStatus();
    }

    // ---- test controls ---------------------------------------------------------------------------------

    /** Interrupts the agent turn now playing, as if the caller had barged in; no-op when the agent is silent. */
    public void interrupt() {
        signal(() -> interruptRequested = true);
    }

    /** Queues an extra agent turn: an {@code agent_response} with {@code text} and then its audio. */
    public void speak(String text, byte[] ulaw8000) {
        speak(text, ulaw8000, false);
    }

    /** {@link #speak(String, byte[])}, then, with {@code endCallAfter}, the end_call system tool and a close. */
    public void speak(String text, byte[] ulaw8000, boolean endCallAfter) {
        Utterance utterance = new Utterance(Objects.requireNonNull(text, "text"), options.audioFormat().fromUlaw8000(ulaw8000),
                endCallAfter);
        signal(() -> pendingUtterances.add(utterance));
    }

    /** Calls a client tool, as an agent whose prompt uses one would: a {@code client_tool_call}. */
    public void callClientTool(String toolName) {
        String call = ServerEvents.clientToolCall(toolName, toolName + "_" + System.nanoTime(), Map.of());
        WebSocketConnection current = locked(() -> connection);
        if (current != null) {
            current.sendText(call);
        }
    }

    /** Sends any text frame as is, e.g. an {@code error} event or a malformed message. */
    public boolean sendRaw(String text) {
        WebSocketConnection current = locked(() -> connection);
        return current != null && current.sendText(text);
    }

    /** Ends the conversation from the agent's side with this close code and reason. */
    public void close(int code, String reason) {
        WebSocketConnection current = locked(() -> connection);
        if (current != null) {
            current.close(code, reason);
        }
    }

    // ---- WebSocket events (reader thread) -----------------------------------------------------------

    @Override
    public void onOpen(WebSocketConnection opened) {
        signal(() -> {
            connection = opened;
            lastUserAudioNanos = System.nanoTime();
        });
        Thread.ofVirtual().name("fake-agent-" + conversationId).start(this::runAgent);
    }

    @Override
    public void onText(WebSocketConnection ignored, String text) {
        ClientMessage message;
        try {
            message = ClientMessages.parse(text);
        } catch (InvalidClientMessage e) {
            reject(e.getMessage());
            return;
        }
        lock.lock();
        try {
            if (phase == Phase.AWAITING_INITIATION && !(message instanceof ClientMessage.Initiation)) {
                rejectLater("First message must be conversation_initiation_client_data");
            } else if (phase == Phase.AWAITING_INITIATION && message instanceof ClientMessage.Initiation first) {
                initiation = first;
                phase = Phase.ACTIVE;
                metadataPending = true;
                lastUserAudioNanos = System.nanoTime();
                if (options.pingInterval().isPositive()) {
                    nextPingNanos = lastUserAudioNanos + options.pingInterval().toNanos();
                }
                byte[] greeting = options.audioFormat().fromUlaw8000(options.greetingAudio());
                String greetingText = first.firstMessageOverride() != null ? first.firstMessageOverride() : options.greetingText();
                if (!greetingText.isEmpty() || greeting.length > 0) {
                    pendingUtterances.add(new Utterance(greetingText, greeting, false));
                }
            } else if (phase == Phase.ACTIVE) {
                onActiveMessage(message);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onBinary(WebSocketConnection ignored, byte[] data) {
        reject("Binary frames are not supported; send JSON text messages");
    }

    @Override
    public void onClose(WebSocketConnection ignored, CloseStatus status) {
        signal(() -> {
            closeStatus = status;
            phase = Phase.ENDED;
        });
        LOG.log(System.Logger.Level.DEBUG, "conversation {0} closed: {1}", conversationId, status);
    }

    private void onActiveMessage(ClientMessage message) {
        switch (message) {
            case ClientMessage.Initiation again -> rejectLater("conversation_initiation_client_data may only be sent once");
            case ClientMessage.UserAudioChunk chunk -> onUserAudio(chunk.audio());
            case ClientMessage.Pong pong -> {
                Long sentNanos = unansweredPings.remove(pong.eventId());
                if (sentNanos != null) {
                    Duration roundTrip = Duration.ofNanos(System.nanoTime() - sentNanos);
                    probe.pongReceived(this, pong.eventId(), roundTrip.toNanos());
                    pongs.add(new PongReceived(pong.eventId(), roundTrip));
                    lastPingMillis = roundTrip.toMillis();
                } else {
                    unexpectedPongs++;
                }
            }
            case ClientMessage.ContextualUpdate update -> contextualUpdates.add(update.text());
            case ClientMessage.ClientToolResult result -> toolResults.add(new ToolResult(result.toolCallId(), result.result(), result.isError()));
            case ClientMessage.UserMessage typed -> userMessages.add(typed.text());
            case ClientMessage.UserActivity activity -> {
                userActivities++;
                lastUserActivityNanos = System.nanoTime();
            }
        }
    }

    private void onUserAudio(byte[] audio) {
        long now = System.nanoTime();
        userAudioBytes += audio.length;
        userAudioChunkCount++;
        probe.userAudio(this, audio, now);
        if (options.recordTraffic()) {
            userAudio.writeBytes(audio);
            userAudioChunks.add(new UserAudioChunk(Duration.ofNanos(now - openedNanos), audio.length));
        }
        lastUserAudioNanos = now;
        for (SpeechDetector.Event event : speechDetector.feed(options.audioFormat().toLinear(audio))) {
            switch (event) {
                case SPEECH_STARTED -> {
                    callerSpeaking = true;
                    if (options.bargeIn() && agentAudible(now)) {
                        interruptRequested = true;
                    }
                }
                case SPEECH_ENDED -> {
                    callerSpeaking = false;
                    lastCallerSpeechNanos = now;
                    repliesRequested++;
                }
            }
        }
    }

    /** The caller still hears the agent: audio is being sent, or what was sent has not finished playing. */
    private boolean agentAudible(long now) {
        return speaking != null || now < playbackEndNanos;
    }

    private void reject(String reason) {
        lock.lock();
        try {
            rejectLater(reason);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock; the agent thread sends the close so it is ordered after what is already queued. */
    private void rejectLater(String reason) {
        if (!closeRequested) {
            LOG.log(System.Logger.Level.DEBUG, "conversation {0}: closing 1008: {1}", conversationId, reason);
            closeRequested = true;
            closeReason = reason;
            closeCode = CloseCodes.POLICY_VIOLATION;
        }
    }

    // ---- agent thread ----------------------------------------------------------------------------------

    private void runAgent() {
        List<String> outgoing = new ArrayList<>();
        while (true) {
            WebSocketConnection target;
            boolean closeNow;
            int code;
            String reason;
            lock.lock();
            try {
                while (outgoing.isEmpty() && !closeRequested && phase != Phase.ENDED) {
                    long waitNanos = step(System.nanoTime(), outgoing);
                    if (outgoing.isEmpty() && !closeRequested) {
                        changed.awaitNanos(waitNanos);
                    }
                }
                if (phase == Phase.ENDED) {
                    return;
                }
                if (options.recordTraffic()) {
                    for (String event : outgoing) {
                        sentEventTypes.add(typeOf(event));
                    }
                }
                changed.signalAll(); // step() changed what tests may be waiting on (missed pongs, sent events)
                target = connection;
                closeNow = closeRequested;
                code = closeCode;
                reason = closeReason;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            for (String event : outgoing) {
                target.sendText(event);
            }
            outgoing.clear();
            if (closeNow) {
                target.close(code, reason);
                return;
            }
        }
    }

    /** Decides what is due at {@code now}, appends it to {@code outgoing}; returns how long to wait if nothing is. */
    private long step(long now, List<String> outgoing) {
        if (phase == Phase.AWAITING_INITIATION) {
            long waited = now - openedNanos;
            long limit = options.initiationTimeout().toNanos();
            if (waited >= limit) {
                rejectLater("conversation_initiation_client_data not received within " + describe(options.initiationTimeout()));
                return 0;
            }
            return limit - waited;
        }
        long silentFor = now - lastUserAudioNanos;
        long timeout = options.userAudioTimeout().toNanos();
        if (silentFor >= timeout) {
            closeRequested = true;
            closeCode = CloseCodes.NORMAL;
            closeReason = "Conversation ended: no user audio for " + describe(options.userAudioTimeout());
            return 0;
        }
        if (phase != Phase.ACTIVE) {
            return timeout - silentFor;
        }
        if (metadataPending) {
            metadataPending = false;
            outgoing.add(ServerEvents.initiationMetadata(conversationId, options.audioFormat()));
        }
        if (interruptRequested) {
            interruptRequested = false;
            interruptSpeaking(now, outgoing);
        }
        while (repliesRequested > 0) {
            repliesRequested--;
            outgoing.add(ServerEvents.userTranscript(options.userTranscript(), ++eventCount));
            pendingUtterances.add(new Utterance(options.replyText(), options.audioFormat().fromUlaw8000(options.replyAudio()),
                    options.endCallAfterReply()));
        }
        long wait = repromptIfDue(now);
        int burstStart = outgoing.size();
        wait = Math.min(wait, sendDueAudio(now, outgoing));
        if (options.pingInterval().isPositive()) {
            if (now >= nextPingNanos) {
                if (unansweredPings.containsKey(pingCount)) {
                    missedPongs++;
                }
                long pingId = ++pingCount;
                unansweredPings.put(pingId, now);
                // Anywhere in this step's burst, as a ping lands between audio frames of the real service.
                int at = burstStart + random.nextInt(outgoing.size() - burstStart + 1);
                outgoing.add(at, ServerEvents.ping(pingId, lastPingMillis));
                probe.pingSent(this, pingId, now);
                nextPingNanos = now + options.pingInterval().toNanos();
            }
            wait = Math.min(wait, nextPingNanos - now);
        }
        return Math.max(1, Math.min(wait, timeout - silentFor));
    }

    /**
     * The turn timeout: once the agent's last turn has played and the user has said nothing for
     * {@code turnTimeout}, the agent speaks again, unless a {@code user_activity} holds it back.
     * Returns how long until it would be due.
     */
    private long repromptIfDue(long now) {
        if (!options.turnTimeout().isPositive() || lastSpoken == null || speaking != null
                || !pendingUtterances.isEmpty() || callerSpeaking) {
            return Long.MAX_VALUE;
        }
        long due = Math.max(Math.max(playbackEndNanos, lastCallerSpeechNanos) + options.turnTimeout().toNanos(),
                lastUserActivityNanos + FakeAgentOptions.USER_ACTIVITY_HOLD.toNanos());
        if (now < due) {
            return due - now;
        }
        reprompts++;
        byte[] greeting = options.greetingAudio();
        byte[] audio = greeting.length > 0 ? greeting : options.replyAudio();
        pendingUtterances.add(new Utterance("Are you still there?",
                options.audioFormat().fromUlaw8000(Arrays.copyOf(audio, Math.min(audio.length, 8000))), false));
        return 0;
    }

    private long sendDueAudio(long now, List<String> outgoing) {
        if (speaking == null) {
            speaking = pendingUtterances.poll();
            if (speaking == null) {
                return Long.MAX_VALUE;
            }
            speaking.eventId = ++eventCount;
            speaking.startNanos = now;
            outgoing.add(ServerEvents.agentResponse(speaking.text, speaking.eventId));
        }
        while (speaking.sentBytes < speaking.audio.length) {
            int chunkIndex = speaking.sentBytes / chunkBytes;
            if (chunkIndex >= speaking.burstEnd) {
                // A burst goes when its first chunk is due at speechSpeed times real time.
                long due = speaking.startNanos + (long) (chunkNanos * chunkIndex / options.speechSpeed());
                if (due > now) {
                    return due - now;
                }
                speaking.burstEnd = chunkIndex + (options.speechSpeed() > 1 ? 1 + random.nextInt(7) : 1);
            }
            sendChunk(speaking, outgoing);
        }
        playbackEndNanos = speaking.startNanos + playbackNanos(speaking.audio.length);
        lastSpoken = speaking;
        if (speaking.endCallAfter) {
            // The system tool: reported, then the server closes while the goodbye is still playing at the client.
            outgoing.add(ServerEvents.agentToolResponse("end_call", "toolu_end_call_" + (++toolCallCount), "system",
                    ++eventCount));
            closeRequested = true;
            closeCode = CloseCodes.NORMAL;
            closeReason = "";
        }
        speaking = null;
        return pendingUtterances.isEmpty() ? Long.MAX_VALUE : 0;
    }

    private void sendChunk(Utterance utterance, List<String> outgoing) {
        int end = Math.min(utterance.audio.length, utterance.sentBytes + chunkBytes);
        byte[] chunk = Arrays.copyOfRange(utterance.audio, utterance.sentBytes, end);
        probe.agentAudio(this, chunk, System.nanoTime());
        outgoing.add(ServerEvents.audio(chunk, utterance.eventId));
        utterance.sentBytes = end;
    }

    /** Stops the turn the caller still hears: the one being sent, or the last one sent if it is still playing. */
    private void interruptSpeaking(long now, List<String> outgoing) {
        if (!agentAudible(now)) {
            return;
        }
        Utterance interrupted = speaking != null ? speaking : lastSpoken;
        // The interruption cuts into a burst: some of its audio goes before it, and a chunk or two that were
        // already on their way follow it (the client must drop those by their event id).
        sendSomeOf(speaking, outgoing);
        outgoing.add(ServerEvents.interruption(interrupted.eventId));
        probe.interruptionSent(this, interrupted.eventId, System.nanoTime());
        sendSomeOf(speaking, outgoing);
        double heard = Math.min(1.0, (double) (now - interrupted.startNanos) / Math.max(1, playbackNanos(interrupted.audio.length)));
        outgoing.add(ServerEvents.agentResponseCorrection(interrupted.text, truncateWords(interrupted.text, heard), interrupted.eventId));
        speaking = null;
        playbackEndNanos = now;
    }

    /** One or two more chunks of {@code utterance}, if it is still being sent and has them. */
    private void sendSomeOf(Utterance utterance, List<String> outgoing) {
        if (utterance == null) {
            return;
        }
        for (int n = 1 + random.nextInt(2); n > 0 && utterance.sentBytes < utterance.audio.length; n--) {
            sendChunk(utterance, outgoing);
        }
    }

    private long playbackNanos(int bytes) {
        return TimeUnit.SECONDS.toNanos(1) * bytes / options.audioFormat().bytesPerSecond();
    }

    private static String truncateWords(String text, double fraction) {
        String[] words = text.split(" ");
        int kept = (int) Math.floor(words.length * fraction);
        return kept == 0 ? "" : String.join(" ", Arrays.asList(words).subList(0, kept)) + "...";
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String typeOf(String event) {
        int start = event.indexOf("\"type\":\"");
        if (start < 0) {
            return "?";
        }
        start += 8;
        return event.substring(start, event.indexOf('"', start));
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FakeConversation[" + conversationId + "]";
    }
}
