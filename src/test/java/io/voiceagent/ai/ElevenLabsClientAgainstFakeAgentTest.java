package io.voiceagent.ai;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.demo.agent.FakeAgentOptions;
import io.voiceagent.demo.agent.FakeConversation;
import io.voiceagent.demo.agent.FakeElevenLabsAgent;
import io.voiceagent.demo.agent.PongReceived;
import io.voiceagent.demo.agent.ToolResult;
import io.voiceagent.demo.agent.WireAudioFormat;
import io.voiceagent.demo.ws.CloseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client against the fake ElevenLabs agent of the demo, which was written from the protocol
 * documents independently of this client: both audio modes, pings, barge-in, bursts, the end_call
 * tool, refusals and signed URLs.
 */
@Tag("slow")
class ElevenLabsClientAgainstFakeAgentTest {
    private static final String KEY = "sk_fake_0123456789";
    private static final String AGENT = "agent_fake";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private final AgentListener recorder = events::add;
    private final AtomicBoolean callerTalking = new AtomicBoolean();
    private FakeElevenLabsAgent agent;
    private ElevenLabsConversation conversation;
    private Thread caller;

    @AfterEach
    void stop() throws Exception {
        if (caller != null) {
            caller.interrupt();
            caller.join();
        }
        if (conversation != null) {
            conversation.close();
        }
        if (agent != null) {
            agent.close();
        }
        http.close();
    }

    private static FakeAgentOptions.Builder options() {
        return FakeAgentOptions.defaults().toBuilder().agentId(AGENT).apiKey(KEY).recordTraffic(true)
                .pingInterval(Duration.ZERO).endCallAfterReply(false);
    }

    private ElevenLabsClient client(boolean signedUrl, Optional<Secret> key, String agentId) {
        return TestElevenLabsClients.direct(new Config.ElevenLabs(key, agentId, agent.webSocketUri(), agent.apiUri(),
                signedUrl, 20, Config.AiConnect.RINGING, Duration.ofSeconds(120)), http, Duration.ofSeconds(5));
    }

    private ElevenLabsClient client() {
        return client(false, Optional.of(Secret.of(KEY)), AGENT);
    }

    private static ConversationRequest request(Map<String, Object> variables) {
        return new ConversationRequest("call-e2e", Optional.of("Hello from the test"), Optional.of("Be brief."),
                Optional.of("en"), variables);
    }

    private ElevenLabsConversation start(FakeAgentOptions options, AgentListener listener) throws Exception {
        agent = FakeElevenLabsAgent.start(options);
        conversation = client().open(request(Map.of("caller", "+79990001122")), listener).get(10, TimeUnit.SECONDS);
        return conversation;
    }

    private FakeConversation fakeSide() {
        return agent.awaitConversation(0, WAIT).orElseThrow();
    }

    /** Sends one 20 ms chunk every 20 ms, loud while {@link #callerTalking} is set, as a phone line would. */
    private void startCaller(WireAudioFormat format) {
        int bytes = format.bytesPerSecond() / 50;
        caller = Thread.ofVirtual().name("test-caller").start(() -> {
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                conversation.sendUserAudio(callerTalking.get() ? loud(format, bytes) : silence(format, bytes));
                next += TimeUnit.MILLISECONDS.toNanos(20);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private static byte[] silence(WireAudioFormat format, int bytes) {
        byte[] audio = new byte[bytes];
        if (format == WireAudioFormat.ULAW_8000) {
            Arrays.fill(audio, (byte) 0xFF);
        }
        return audio;
    }

    /** A full-scale square wave, far above any speech threshold. */
    private static byte[] loud(WireAudioFormat format, int bytes) {
        byte[] audio = new byte[bytes];
        if (format == WireAudioFormat.ULAW_8000) {
            for (int i = 0; i < bytes; i++) {
                audio[i] = (byte) ((i / 4) % 2 == 0 ? 0x80 : 0x00);
            }
        } else {
            for (int i = 0; i + 1 < bytes; i += 2) {
                short sample = (short) ((i / 8) % 2 == 0 ? 20000 : -20000);
                audio[i] = (byte) sample;
                audio[i + 1] = (byte) (sample >> 8);
            }
        }
        return audio;
    }

    private void awaitEvent(Predicate<List<AgentEvent>> condition, String what) throws InterruptedException {
        await(() -> condition.test(events), what);
    }

    private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what + " within " + WAIT + "; events " + summary()).isTrue();
    }

    private String summary() {
        return events.stream().map(e -> e instanceof AgentEvent.Audio a ? "Audio(" + a.eventId() + ")" : e.toString())
                .distinct().toList().toString();
    }

    private byte[] audioOf(long eventId) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        events.stream().filter(e -> e instanceof AgentEvent.Audio a && a.eventId() == eventId)
                .forEach(e -> audio.writeBytes(((AgentEvent.Audio) e).audio()));
        return audio.toByteArray();
    }

    private static AgentException failureOf(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(AgentException.class);
        assertThat(e.getCause().getMessage()).doesNotContain(KEY);
        return (AgentException) e.getCause();
    }

    /** The event id of the first agent audio, or -1 while none has come. */
    private static long firstAudioEventId(List<AgentEvent> events) {
        return events.stream().filter(e -> e instanceof AgentEvent.Audio).map(e -> ((AgentEvent.Audio) e).eventId())
                .findFirst().orElse(-1L);
    }

    @Test
    void ulawGreetingArrivesByteForByteAndTheFirstFrameCarriesTheOverrides() throws Exception {
        byte[] greeting = new byte[8000];
        for (int i = 0; i < greeting.length; i++) {
            greeting[i] = (byte) (i * 7);
        }
        start(options().greeting("Welcome", greeting).speechSpeed(1000).build(), recorder);

        assertThat(conversation.userInputFormat()).isEqualTo("ulaw_8000");
        assertThat(conversation.agentOutputFormat()).isEqualTo("ulaw_8000");
        assertThat(conversation.conversationId()).isEqualTo(fakeSide().conversationId());
        awaitEvent(e -> e.contains(new AgentEvent.AgentResponse("Hello from the test")), "the greeting's text");
        awaitEvent(e -> audioOf(firstAudioEventId(e)).length == greeting.length, "the greeting's audio");
        assertThat(audioOf(firstAudioEventId(events))).isEqualTo(greeting);
        assertThat(fakeSide().initiation().orElseThrow()).isEqualTo(Map.of(
                "type", "conversation_initiation_client_data",
                "conversation_config_override", Map.of("agent", Map.of("first_message", "Hello from the test",
                        "prompt", Map.of("prompt", "Be brief."), "language", "en")),
                "dynamic_variables", Map.of("caller", "+79990001122")));
        assertThat(conversation.stats().audioMsReceived()).isEqualTo(1000);
    }

    @Test
    void pcm16000ModeCarriesAudioBothWays() throws Exception {
        byte[] greeting = new byte[1600];
        Arrays.fill(greeting, (byte) 0xFF);
        start(options().audioFormat(WireAudioFormat.PCM_16000).greeting("Hi", greeting)
                .speechSpeed(1000).build(), recorder);

        assertThat(conversation.userInputFormat()).isEqualTo("pcm_16000");
        assertThat(conversation.agentOutputFormat()).isEqualTo("pcm_16000");
        awaitEvent(e -> audioOf(firstAudioEventId(e)).length == 1600 * 4, "200 ms of pcm_16000 greeting");
        byte[] caller = new byte[640];
        for (int i = 0; i < caller.length; i++) {
            caller[i] = (byte) (i % 251);
        }
        for (int i = 0; i < 10; i++) {
            conversation.sendUserAudio(caller);
        }

        assertThat(fakeSide().awaitUntil(f -> f.userAudioBytes() == 6400, WAIT)).isTrue();
        byte[] received = fakeSide().userAudio();
        assertThat(Arrays.copyOfRange(received, 0, 640)).isEqualTo(caller);
        assertThat(fakeSide().userAudioChunks()).allSatisfy(chunk -> assertThat(chunk.bytes()).isEqualTo(640));
        assertThat(conversation.stats().audioMsSent()).isEqualTo(200);
        assertThat(conversation.stats().audioMsReceived()).isEqualTo(200);
    }

    @Test
    void everyPingIsAnsweredWithItsEventId() throws Exception {
        start(options().pingInterval(Duration.ofMillis(100)).build(), recorder);
        startCaller(WireAudioFormat.ULAW_8000);

        assertThat(fakeSide().awaitUntil(f -> f.pongs().size() >= 8, WAIT)).isTrue();

        // Each ping answered once, with its own id, in order. How fast is the bench's figure (pong round
        // trip), not this test's: on a loaded machine a pong may come after the next ping, and still be right.
        FakeConversation fake = fakeSide();
        assertThat(fake.unexpectedPongs()).isZero();
        assertThat(fake.pongs()).extracting(PongReceived::eventId).startsWith(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        // Counted once the pong is handed to the socket, so the fake may have read it a moment earlier.
        await(() -> conversation.stats().pingsAnswered() >= 8, "the client counting the 8 pongs it sent");
    }

    @Test
    void anInterruptionStopsTheInterruptedTurnsAudio() throws Exception {
        byte[] longGreeting = new byte[8000 * 20]; // 5 s of sending at 4x: the caller barges in well before its end
        Arrays.fill(longGreeting, (byte) 0x55);
        start(options().greeting("A long greeting that the caller will talk over", longGreeting).build(), recorder);
        startCaller(WireAudioFormat.ULAW_8000);
        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.Audio), "the greeting's first audio");
        long greetingId = firstAudioEventId(events);

        callerTalking.set(true);
        // The correction follows the interruption and the interrupted turn's audio still on its way.
        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.AgentResponseCorrection), "the correction");

        int at = indexOf(AgentEvent.Interruption.class);
        assertThat(events.get(at)).isEqualTo(new AgentEvent.Interruption(greetingId));
        assertThat(events.subList(at, events.size()))
                .noneMatch(e -> e instanceof AgentEvent.Audio a && a.eventId() <= greetingId);
        assertThat(audioOf(greetingId).length).isLessThan(longGreeting.length);
    }

    private int indexOf(Class<? extends AgentEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + summary());
    }

    @Test
    void aThirtySecondAnswerStreamedAheadKeepsPingsAnsweredAndStopsAtTheBargeIn() throws Exception {
        byte[] longGreeting = new byte[8000 * 30];
        for (int i = 0; i < longGreeting.length; i++) {
            longGreeting[i] = (byte) (i / 800);
        }
        start(options().greeting("A thirty second speech", longGreeting)
                .speechSpeed(FakeAgentOptions.DEFAULT_SPEECH_SPEED).pingInterval(Duration.ofMillis(300)).build(), recorder);
        startCaller(WireAudioFormat.ULAW_8000);
        awaitEvent(e -> e.stream().filter(x -> x instanceof AgentEvent.Audio).count() >= 40, "4 s of the speech");
        long greetingId = firstAudioEventId(events);

        callerTalking.set(true);
        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.Interruption), "the interruption");
        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.AgentResponseCorrection), "the correction");

        int at = indexOf(AgentEvent.Interruption.class);
        assertThat(events.get(at)).isEqualTo(new AgentEvent.Interruption(greetingId));
        assertThat(events.subList(at, events.size()))
                .noneMatch(e -> e instanceof AgentEvent.Audio a && a.eventId() <= greetingId);
        assertThat(audioOf(greetingId).length).isLessThan(longGreeting.length);
        // Every ping in the burst was answered with its id; that the pong leaves before the audio behind the
        // ping is handled is ConversationEventHandlingTest's, and how fast it comes back is the bench's figure.
        FakeConversation fake = fakeSide();
        assertThat(fake.pongs()).isNotEmpty();
        assertThat(fake.pongs()).extracting(PongReceived::eventId)
                .isEqualTo(LongStream.rangeClosed(1, fake.pongs().size()).boxed().toList());
        assertThat(fake.unexpectedPongs()).isZero();
    }

    @Test
    void theEndCallSystemToolAfterAReplyIsReportedBeforeTheServersClose() throws Exception {
        start(options().greeting("", new byte[0]).reply("Goodbye!", new byte[1600]).endCallAfterReply(true)
                .speechEndSilence(Duration.ofMillis(100)).speechSpeed(1000).build(), recorder);
        startCaller(WireAudioFormat.ULAW_8000);

        callerTalking.set(true);
        awaitEvent(e -> fakeSide().userAudioChunkCount() >= 15, "300 ms of speech at the agent");
        callerTalking.set(false);
        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.Closed), "the server's close");

        assertThat(events).contains(new AgentEvent.UserTranscript("I heard you"), new AgentEvent.AgentResponse("Goodbye!"));
        assertThat(indexOf(AgentEvent.EndCallRequested.class)).isGreaterThan(indexOf(AgentEvent.Audio.class));
        assertThat(events.getLast()).isEqualTo(new AgentEvent.Closed(1000, ""));
        assertThat(indexOf(AgentEvent.Closed.class)).isGreaterThan(indexOf(AgentEvent.EndCallRequested.class));
        assertThat(fakeSide().toolResults()).isEmpty();
    }

    @Test
    void theClientToolFormOfEndCallIsAnsweredAndReported() throws Exception {
        start(options().build(), recorder);

        fakeSide().callClientTool("end_call");
        awaitEvent(e -> e.contains(new AgentEvent.EndCallRequested()), "end_call");

        assertThat(fakeSide().awaitUntil(f -> !f.toolResults().isEmpty(), WAIT)).isTrue();
        ToolResult result = fakeSide().toolResults().getFirst();
        assertThat(result.toolCallId()).startsWith("end_call");
        assertThat(result.isError()).isFalse();
    }

    @Test
    void contextualUpdatesReachTheAgent() throws Exception {
        start(options().build(), recorder);

        conversation.sendContextualUpdate("The caller pressed 4 2 #");

        assertThat(fakeSide().awaitUntil(f -> f.contextualUpdates().contains("The caller pressed 4 2 #"), WAIT)).isTrue();
    }

    @Test
    void aFirstFrameTheAgentRejectsFailsTheStartWith1008() throws Exception {
        agent = FakeElevenLabsAgent.start(options().build());

        AgentException e = failureOf(client().connect(request(Map.of("nested", Map.of("not", "allowed"))), recorder));

        assertThat(e.causeCode()).isEqualTo("ai_rejected");
        assertThat(e.getMessage()).contains("1008");
        assertThat(fakeSide().awaitClose(WAIT).map(CloseStatus::code)).contains(1008);
    }

    @Test
    void theAgentEndingTheConversationIsReportedWithItsCode() throws Exception {
        start(options().userAudioTimeout(Duration.ofMillis(500)).build(), recorder);

        awaitEvent(e -> e.stream().anyMatch(x -> x instanceof AgentEvent.Closed), "the agent's close");

        AgentEvent.Closed closed = (AgentEvent.Closed) events.get(indexOf(AgentEvent.Closed.class));
        assertThat(closed.code()).isEqualTo(1000);
        assertThat(closed.reason()).isNotEmpty();
        assertThat(events.getLast()).isEqualTo(closed);
    }

    @Test
    void aPolicyCloseByTheAgentCarriesCodeAndReason() throws Exception {
        start(options().build(), recorder);

        fakeSide().close(1008, "quota exceeded");

        awaitEvent(e -> e.contains(new AgentEvent.Closed(1008, "quota exceeded")), "the 1008 close");
    }

    @Test
    void closingEndsTheConversationWithNormalClosure() throws Exception {
        start(options().build(), recorder);

        conversation.close();

        Optional<CloseStatus> status = fakeSide().awaitClose(WAIT);
        assertThat(status).isPresent();
        assertThat(status.get().code()).isEqualTo(1000);
        assertThat(status.get().initiatedByPeer()).isTrue();
        assertThat(events).noneMatch(e -> e instanceof AgentEvent.Closed);
    }

    @Test
    void manyConversationsOpenedAndClosedLeaveNoSocketsOrThreadsBehind() throws Exception {
        agent = FakeElevenLabsAgent.start(options().greeting("", new byte[0]).build());
        ElevenLabsClient client = client();
        client.open(request(Map.of()), recorder).get(20, TimeUnit.SECONDS).close();
        int threadsBefore = Thread.activeCount();

        for (int i = 0; i < 100; i++) {
            client.open(request(Map.of()), recorder).get(20, TimeUnit.SECONDS).close();
        }

        assertThat(agent.conversations()).hasSize(101);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (agent.openConversations() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(agent.openConversations()).isZero();
        assertThat(agent.conversations()).allSatisfy(c -> assertThat(c.closeStatus().map(CloseStatus::code)).contains(1000));
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 4);
    }

    @Test
    void aWrongKeyIsUnauthorizedAndAnUnknownAgentIsNotFound() throws Exception {
        agent = FakeElevenLabsAgent.start(options().build());

        assertThat(failureOf(client(false, Optional.of(Secret.of("sk_wrong")), AGENT).connect(request(Map.of()), recorder))
                .causeCode()).isEqualTo("ai_unauthorized");
        assertThat(failureOf(client(false, Optional.empty(), AGENT).connect(request(Map.of()), recorder))
                .causeCode()).isEqualTo("ai_unauthorized");
        assertThat(failureOf(client(false, Optional.of(Secret.of(KEY)), "agent_missing").connect(request(Map.of()), recorder))
                .causeCode()).isEqualTo("ai_not_found");
        assertThat(failureOf(client(true, Optional.of(Secret.of("sk_wrong")), AGENT).connect(request(Map.of()), recorder))
                .causeCode()).isEqualTo("ai_unauthorized");
        assertThat(agent.conversations()).isEmpty();
    }

    @Test
    void aSignedUrlOpensTheConversationWithoutSendingTheKeyOnTheSocket() throws Exception {
        agent = FakeElevenLabsAgent.start(options().build());

        conversation = client(true, Optional.of(Secret.of(KEY)), AGENT).open(request(Map.of()), recorder)
                .get(10, TimeUnit.SECONDS);

        FakeConversation fake = fakeSide();
        assertThat(conversation.conversationId()).isEqualTo(fake.conversationId());
        assertThat(fake.request().queryParameter("conversation_signature")).isPresent();
        assertThat(fake.request().header("xi-api-key")).isEmpty();
    }

    @Test
    void checkReportsTheFakeConversation() throws Exception {
        agent = FakeElevenLabsAgent.start(options().audioFormat(WireAudioFormat.PCM_16000).build());

        Map<String, Object> report = client().check();

        assertThat(report).containsEntry("ok", true)
                .containsEntry("conversation_id", fakeSide().conversationId())
                .containsEntry("user_input_audio_format", "pcm_16000")
                .containsEntry("agent_output_audio_format", "pcm_16000");
        assertThat(fakeSide().awaitClose(WAIT).map(CloseStatus::code)).contains(1000);
    }
}
