package io.voiceagent.call;

import io.voiceagent.ai.AgentClient;
import io.voiceagent.ai.AgentConversation;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.ai.ConversationRequest;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.media.AgentAudioFormat;
import io.voiceagent.media.MediaListener;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.MediaSessionFactory;
import io.voiceagent.media.MediaStats;
import io.voiceagent.media.RemoteMedia;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.sip.SipCallListener;
import io.voiceagent.sip.SipUserAgent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Stand-ins for the call layer's collaborators, so the state machine can be driven event by event.
 * They implement our own contracts; the real components are tested against real peers elsewhere.
 */
final class CallTestDoubles {
    private CallTestDoubles() {
    }

    /**
     * SIP mode, 2 calls at most, 20 ms chunks, 60 s ring time, 3 ended calls kept in memory, AI_CONNECT=ringing
     * and the phone tools at their defaults: what the call tests run with.
     */
    static CallManager.Settings settings() {
        return settings(Config.AiConnect.RINGING, TestConfigs.tools());
    }

    /** {@link #settings()} with another AI_CONNECT and other phone tools. */
    static CallManager.Settings settings(Config.AiConnect aiConnect, Config.Tools tools) {
        return new CallManager.Settings(CallMode.SIP, 2, 20, Duration.ofSeconds(60), 3, aiConnect, tools);
    }

    /** 20 ms chunks, AI_CONNECT=ringing and the phone tools at their defaults. */
    static CallManager.Settings settings(CallMode mode, int maxConcurrentCalls, Duration ringTimeout,
                                         int maxEndedCallsInMemory) {
        return new CallManager.Settings(mode, maxConcurrentCalls, 20, ringTimeout, maxEndedCallsInMemory,
                Config.AiConnect.RINGING, TestConfigs.tools());
    }

    /** A far end's answer: its audio at 127.0.0.2:40000, sendrecv, in {@code formats}. */
    static SessionDescription answer(SessionDescription.Format... formats) {
        return new SessionDescription("exolve", 1, 1, "127.0.0.2", 40000, List.of(formats), 20,
                SessionDescription.Direction.SENDRECV);
    }

    /**
     * A real {@link CallManager} over these doubles, with its journal in a test's directory and a timer
     * thread, closed with the fixture: the set-up every call-layer test shares.
     */
    static final class Calls implements AutoCloseable {
        static final String NUMBER = "79990001122";

        final Sip sip = new Sip();
        final MediaFactory media = new MediaFactory();
        final Agents agents = new Agents();
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        final CallJournal journal;
        final CallManager manager;

        Calls(Path dataDir, Clock clock, CallManager.Settings settings) throws IOException {
            this(dataDir, clock, settings, new ServiceMetrics());
        }

        /** Counting into {@code metrics}, for a test that reads them. */
        Calls(Path dataDir, Clock clock, CallManager.Settings settings, ServiceMetrics metrics) throws IOException {
            journal = CallJournal.open(dataDir).journal();
            manager = new CallManager(settings, sip, media, agents, Optional.empty(), journal, List.of(), timers, clock,
                    new SplittableRandom(7), metrics);
        }

        /**
         * Starts a call to {@link #NUMBER} and lets it ring (180): the agent is asked for then, and connects
         * with {@code conversation}. Returns the call's id and the listener the agent's events go to.
         */
        RingingCall ringingCall(Conversation conversation) throws CallException {
            String id = TestCalls.start(manager, TestCalls.request(NUMBER)).id();
            int index = sip.dialed.size() - 1;
            ring(index);
            Agents.Pending asked = agents.pending.getLast();
            asked.future().complete(conversation);
            return new RingingCall(id, asked.listener(), index);
        }

        /** The far end of dialed call {@code index} rings (180, no early media). */
        void ring(int index) {
            sip.dialed.get(index).listener().onEvent(new SipCallEvent.Ringing(180, Optional.empty()));
        }

        /** The far end of dialed call {@code index} answers with {@code sdp}. */
        void answer(int index, SessionDescription sdp) {
            sip.dialed.get(index).listener().onEvent(new SipCallEvent.Answered(sdp));
        }

        CallRecord record(String id) {
            return manager.find(id).orElseThrow();
        }

        @Override
        public void close() {
            timers.shutdownNow();
            journal.close();
        }
    }

    /** A call that rings with its agent connected; {@code index} is its place in {@link Sip#dialed}. */
    record RingingCall(String id, AgentListener agent, int index) {
    }

    static final class Sip implements SipUserAgent {
        volatile RegistrationStatus registration = new RegistrationStatus(RegistrationStatus.State.REGISTERED,
                Optional.empty(), Instant.EPOCH, Optional.empty());
        final List<Dialed> dialed = new CopyOnWriteArrayList<>();

        record Dialed(String digits, SessionDescription offer, SipCallListener listener, Call call) {
        }

        static final class Call implements SipCall {
            final String callId;
            volatile int hangups;

            Call(String callId) {
                this.callId = callId;
            }

            @Override
            public String callId() {
                return callId;
            }

            @Override
            public void hangup() {
                hangups++;
            }

            /** Digits sent by INFO; each is answered at once with a 200. */
            final StringBuilder infoDigits = new StringBuilder();

            @Override
            public CompletableFuture<Void> sendDtmfInfo(char digit) {
                infoDigits.append(digit);
                return CompletableFuture.completedFuture(null);
            }

            /** The REFERs asked for: each settles when the test completes its future. */
            final java.util.List<CompletableFuture<Void>> refers = new java.util.concurrent.CopyOnWriteArrayList<>();

            @Override
            public CompletableFuture<Void> refer(String digits) {
                CompletableFuture<Void> outcome = new CompletableFuture<>();
                refers.add(outcome);
                return outcome;
            }
        }

        @Override
        public void start() {
        }

        @Override
        public RegistrationStatus registration() {
            return registration;
        }

        @Override
        public void reregister() {
        }

        @Override
        public String mediaAddress() {
            return "127.0.0.1";
        }

        @Override
        public io.voiceagent.sip.SdpEndpoint sdpEndpoint(int localRtpPort,
                                                         java.util.Optional<InetSocketAddress> rtpMapping) {
            return new io.voiceagent.sip.SdpEndpoint(mediaAddress(), localRtpPort);
        }

        @Override
        public java.util.Optional<String> addressWarning() {
            return java.util.Optional.empty();
        }

        @Override
        public SipCall dial(String callId, String digits, SessionDescription offer, SipCallListener listener) {
            Call call = new Call("sip-" + dialed.size() + "@test");
            dialed.add(new Dialed(digits, offer, listener, call));
            return call;
        }

        @Override
        public void setInboundHandler(InboundCallHandler handler) {
        }

        @Override
        public Map<String, Object> debugSnapshot() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }

    static final class Media implements MediaSession {
        final MediaListener listener;
        final List<byte[]> agentAudio = new CopyOnWriteArrayList<>();
        final List<Runnable> onDrained = new CopyOnWriteArrayList<>();
        volatile InetSocketAddress remote;
        volatile int payloadType = -1;
        volatile RemoteMedia lastConnect;
        volatile boolean answered;
        volatile boolean closed;
        volatile int interrupts;
        volatile AgentAudioFormat input;
        /** Runs inside close(), e.g. to play the RTP receiver thread that close waits for. */
        volatile Runnable onClose = () -> { };
        volatile boolean receiverStuck;

        Media(MediaListener listener) {
            this.listener = listener;
        }

        @Override
        public int localPort() {
            return 10_000;
        }

        @Override
        public void connect(RemoteMedia far) {
            this.remote = far.address();
            this.payloadType = far.payloadType();
            this.lastConnect = far;
        }

        @Override
        public void setAgentFormats(AgentAudioFormat userInput, AgentAudioFormat agentOutput) {
            this.input = userInput;
        }

        @Override
        public void answered() {
            answered = true;
        }

        @Override
        public void playAgentAudio(byte[] audio) {
            agentAudio.add(audio);
        }

        @Override
        public void interrupt() {
            interrupts++;
            agentAudio.clear();
        }

        volatile boolean agentAudioHeld;

        @Override
        public void holdAgentAudio(boolean held) {
            agentAudioHeld = held;
        }

        @Override
        public void whenQueueDrained(Runnable action) {
            onDrained.add(action);
        }

        void drain() {
            agentAudio.clear();
            onDrained.forEach(Runnable::run);
        }

        /** Whether the far end offered telephone-event; digits asked for, each with the future the test completes. */
        volatile boolean telephoneEvent = true;
        final List<Map.Entry<String, CompletableFuture<Void>>> dtmf = new CopyOnWriteArrayList<>();

        @Override
        public Optional<CompletableFuture<Void>> sendDtmf(String digits) {
            if (!telephoneEvent) {
                return Optional.empty();
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            dtmf.add(Map.entry(digits, sent));
            return Optional.of(sent);
        }

        @Override
        public MediaStats stats() {
            return new MediaStats(10, 20, 1720, 3440, 1, 2.5, 200, 400, new MediaStats.Rejected(3, 2, 1),
                    new MediaStats.FarEndReport(42.5, 0.25, 7, 3.5));
        }

        @Override
        public Map<String, Object> debug() {
            return Map.of("queued", agentAudio.size());
        }

        @Override
        public void close() {
            onClose.run();
            closed = true;
        }
    }

    static final class MediaFactory implements MediaSessionFactory {
        final List<Media> opened = new CopyOnWriteArrayList<>();

        @Override
        public MediaSession open(String callId, int chunkMs, MediaListener listener) {
            Media media = new Media(listener);
            opened.add(media);
            return media;
        }
    }

    static final class Agents implements AgentClient {
        final List<Pending> pending = new CopyOnWriteArrayList<>();

        record Pending(ConversationRequest request, AgentListener listener,
                       CompletableFuture<AgentConversation> future) {
        }

        @Override
        public CompletableFuture<AgentConversation> connect(ConversationRequest request, AgentListener listener) {
            CompletableFuture<AgentConversation> future = new CompletableFuture<>();
            pending.add(new Pending(request, listener, future));
            return future;
        }
    }

    static final class Conversation implements AgentConversation {
        final List<byte[]> userAudio = new ArrayList<>();
        final List<String> contextualUpdates = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger userActivities = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean closed;

        @Override
        public String conversationId() {
            return "conv_1";
        }

        @Override
        public String userInputFormat() {
            return "ulaw_8000";
        }

        @Override
        public String agentOutputFormat() {
            return "ulaw_8000";
        }

        @Override
        public void sendUserAudio(byte[] audio) {
            userAudio.add(audio);
        }

        @Override
        public void sendUserActivity() {
            userActivities.incrementAndGet();
        }

        @Override
        public void sendContextualUpdate(String text) {
            contextualUpdates.add(text);
        }

        /** client_tool_result messages: tool call id, result, is_error. */
        record ToolResult(String toolCallId, String result, boolean isError) {
        }

        final List<ToolResult> toolResults = new CopyOnWriteArrayList<>();

        @Override
        public void sendToolResult(String toolCallId, String result, boolean isError) {
            toolResults.add(new ToolResult(toolCallId, result, isError));
        }

        @Override
        public Map<String, Object> debug() {
            return Map.of("user_audio_chunks", userAudio.size());
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
