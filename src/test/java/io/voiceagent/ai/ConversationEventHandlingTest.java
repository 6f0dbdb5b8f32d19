package io.voiceagent.ai;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.metrics.Histogram;
import io.voiceagent.metrics.ServiceMetrics;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocket;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Feeds agent frames straight into a conversation's socket listener and checks what comes out. */
class ConversationEventHandlingTest {
    private final RecordingWebSocket socket = new RecordingWebSocket();
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    /** Sends the conversation asked for, run when the test says: the thread that asked never sends. */
    private final List<Runnable> pendingSends = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ElevenLabsConversation conversation = new ElevenLabsConversation(
            new ConversationRequest("call-1", Optional.of("Hello"), Optional.empty(), Optional.empty(), Map.of()),
            events::add,
            nanos::get,
            pendingSends::add,
            metrics);
    private final WebSocket.Listener listener = conversation.socketListener();

    private void frame(String json) {
        listener.onText(socket, json, true);
        runSends();
    }

    private void runSends() {
        while (!pendingSends.isEmpty()) {
            pendingSends.removeFirst().run();
        }
    }

    private void started(String input, String output) {
        listener.onOpen(socket);
        runSends();
        nanos.addAndGet(250_000_000L);
        frame("{\"type\":\"conversation_initiation_metadata\",\"conversation_initiation_metadata_event\":"
                + "{\"conversation_id\":\"conv_1\",\"agent_output_audio_format\":\"" + output
                + "\",\"user_input_audio_format\":\"" + input + "\"}}");
    }

    private static String audio(byte[] bytes, long eventId) {
        return "{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\""
                + Base64.getEncoder().encodeToString(bytes) + "\",\"event_id\":" + eventId + "}}";
    }

    private static Map<String, Object> json(String text) throws Exception {
        return JSON.std.mapFrom(text);
    }

    @Test
    void sendsTheInitiationFrameFirstAndStartsOnTheMetadata() throws Exception {
        listener.onOpen(socket);
        assertThat(socket.texts).isEmpty();
        runSends();

        assertThat(socket.texts).hasSize(1);
        assertThat(json(socket.texts.getFirst())).containsEntry("type", "conversation_initiation_client_data");
        assertThat(conversation.started()).isNotDone();

        nanos.addAndGet(250_000_000L);
        frame("{\"type\":\"conversation_initiation_metadata\",\"conversation_initiation_metadata_event\":"
                + "{\"conversation_id\":\"conv_1\",\"agent_output_audio_format\":\"pcm_16000\","
                + "\"user_input_audio_format\":\"ulaw_8000\"}}");

        assertThat(conversation.started()).isCompletedWithValue(conversation);
        assertThat(conversation.conversationId()).isEqualTo("conv_1");
        assertThat(conversation.userInputFormat()).isEqualTo("ulaw_8000");
        assertThat(conversation.agentOutputFormat()).isEqualTo("pcm_16000");
        assertThat(conversation.stats().connectMillis()).isEqualTo(250);
    }

    @Test
    void readsOneMessageAtATime() {
        listener.onOpen(socket);
        assertThat(socket.requested).hasValue(1);

        frame("{\"type\":\"vad_score\",\"vad_score_event\":{\"vad_score\":0.1}}");

        assertThat(socket.requested).hasValue(2);
    }

    @Test
    void neverStopsReadingWhateverIsQueued() {
        started("ulaw_8000", "ulaw_8000");
        long before = socket.requested.get();

        // 30 s of agent audio as the real service streams it, far ahead of the phone
        for (int i = 0; i < 1500; i++) {
            frame(audio(new byte[160], 1));
        }

        assertThat(socket.requested.get()).isEqualTo(before + 1500);
        assertThat(events).hasSize(1500);
    }

    @Test
    void reassemblesFragmentedFrames() {
        started("ulaw_8000", "ulaw_8000");
        String whole = audio(new byte[]{5, 6, 7}, 3);

        listener.onText(socket, whole.substring(0, 10), false);
        listener.onText(socket, whole.substring(10, 30), false);
        assertThat(events).isEmpty();
        listener.onText(socket, whole.substring(30), true);

        assertThat(events).singleElement().isInstanceOfSatisfying(AgentEvent.Audio.class, a -> {
            assertThat(a.audio()).containsExactly(5, 6, 7);
            assertThat(a.eventId()).isEqualTo(3);
        });
    }

    @Test
    void answersAPingInTheMiddleOfABurstBeforeTheAudioBehindIt() throws Exception {
        started("ulaw_8000", "ulaw_8000");
        for (int i = 0; i < 750; i++) {
            frame(audio(new byte[160], 1));
        }
        int textsBefore = socket.texts.size();

        listener.onText(socket, "{\"type\":\"ping\",\"ping_event\":{\"event_id\":77,\"ping_ms\":40}}", true);
        runSends();
        int eventsWhenPonged = events.size();
        for (int i = 0; i < 750; i++) {
            frame(audio(new byte[160], 1));
        }

        assertThat(socket.texts).hasSize(textsBefore + 1);
        assertThat(json(socket.texts.get(textsBefore))).isEqualTo(Map.of("type", "pong", "event_id", 77));
        assertThat(eventsWhenPonged).isEqualTo(750);
        assertThat(conversation.stats().pingsAnswered()).isEqualTo(1);
        assertThat(conversation.stats().lastPingMs()).isEqualTo(40);
    }

    @Test
    void dropsAudioThatAnInterruptionCutOffEvenWhileItIsStillArriving() {
        started("ulaw_8000", "ulaw_8000");
        frame(audio(new byte[160], 1));
        frame(audio(new byte[160], 2));
        frame(audio(new byte[160], 3));

        frame("{\"type\":\"interruption\",\"interruption_event\":{\"event_id\":3}}");
        frame(audio(new byte[160], 3));
        frame(audio(new byte[160], 2));
        frame(audio(new byte[160], 4));

        assertThat(events).extracting(e -> e.getClass().getSimpleName() + ":" + switch (e) {
            case AgentEvent.Audio a -> a.eventId();
            case AgentEvent.Interruption i -> i.eventId();
            default -> "";
        }).containsExactly("Audio:1", "Audio:2", "Audio:3", "Interruption:3", "Audio:4");
        assertThat(conversation.stats().audioChunksDiscarded()).isEqualTo(2);
        assertThat(conversation.stats().interruptions()).isEqualTo(1);
        assertThat(metrics.agentInterruptions.value()).isEqualTo(1);
    }

    @Test
    void thePongDelayRunsFromThePingsReadToThePongHandedToTheSocketAfterTheSendUnderWay() throws Exception {
        started("ulaw_8000", "ulaw_8000");
        socket.holdSends();
        conversation.sendUserAudio(new byte[160]);
        runSends(); // the caller audio's send is now outstanding

        listener.onText(socket, "{\"type\":\"ping\",\"ping_event\":{\"event_id\":5}}", true);
        nanos.addAndGet(3_000_000L);
        socket.completeNextSend(); // the pong goes next, on the completing thread

        Histogram.Snapshot pongs = metrics.pongDelay.snapshot();
        assertThat(pongs.count()).isEqualTo(1);
        assertThat(pongs.sum()).isEqualTo(0.003);
        assertThat(json(socket.texts.getLast())).isEqualTo(Map.of("type", "pong", "event_id", 5));
        // Buckets 0.0025 and 0.005: the 3 ms pong falls between them.
        double[] bounds = pongs.bounds();
        int below = java.util.Arrays.binarySearch(bounds, 0.0025);
        assertThat(pongs.cumulative()[below]).isZero();
        assertThat(pongs.cumulative()[below + 1]).isEqualTo(1);
    }

    @Test
    void aPongSentAsItsPingIsReadTakesNoTime() {
        started("ulaw_8000", "ulaw_8000");

        frame("{\"type\":\"ping\",\"ping_event\":{\"event_id\":6}}");

        assertThat(metrics.pongDelay.snapshot().count()).isEqualTo(1);
        assertThat(metrics.pongDelay.snapshot().sum()).isZero();
    }

    @Test
    void eventIdsBeyondThirtyTwoBitsAreKept() {
        started("ulaw_8000", "ulaw_8000");
        long big = (1L << 31) + 5;

        frame(audio(new byte[160], big));
        frame("{\"type\":\"interruption\",\"interruption_event\":{\"event_id\":" + big + "}}");
        frame(audio(new byte[160], big + 1));

        assertThat(events).containsExactly(events.getFirst(), new AgentEvent.Interruption(big), events.get(2));
        assertThat(((AgentEvent.Audio) events.get(2)).eventId()).isEqualTo(big + 1);
        assertThat(conversation.stats().malformedMessages()).isZero();
    }

    @Test
    void anInterruptionWithoutEventIdCutsOffAllAudioSoFar() {
        started("ulaw_8000", "ulaw_8000");
        frame(audio(new byte[160], 5));

        frame("{\"type\":\"interruption\",\"interruption_event\":{}}");
        frame(audio(new byte[160], 5));
        frame(audio(new byte[160], 6));

        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isEqualTo(new AgentEvent.Interruption(5));
        assertThat(events.get(2)).isInstanceOfSatisfying(AgentEvent.Audio.class,
                a -> assertThat(a.eventId()).isEqualTo(6));
    }

    @Test
    void passesTranscriptEventsOn() {
        started("ulaw_8000", "ulaw_8000");

        frame("{\"type\":\"agent_response\",\"agent_response_event\":{\"agent_response\":\"Hello\"}}");
        frame("{\"type\":\"user_transcript\",\"user_transcription_event\":{\"user_transcript\":\"Hi\"}}");
        frame("{\"type\":\"agent_response_correction\",\"agent_response_correction_event\":"
                + "{\"original_agent_response\":\"Hello there\",\"corrected_agent_response\":\"Hello\"}}");

        assertThat(events).containsExactly(new AgentEvent.AgentResponse("Hello"),
                new AgentEvent.UserTranscript("Hi"), new AgentEvent.AgentResponseCorrection("Hello"));
    }

    @Test
    void theEndCallToolIsAnsweredAndReported() throws Exception {
        started("ulaw_8000", "ulaw_8000");

        frame("{\"type\":\"client_tool_call\",\"client_tool_call\":"
                + "{\"tool_name\":\"end_call\",\"tool_call_id\":\"tc_9\",\"parameters\":{}}}");

        assertThat(events).containsExactly(new AgentEvent.EndCallRequested());
        Map<String, Object> reply = json(socket.texts.getLast());
        assertThat(reply).containsEntry("type", "client_tool_result").containsEntry("tool_call_id", "tc_9")
                .containsEntry("is_error", false);
    }

    @Test
    void theSystemToolFormOfEndCallIsReported() {
        started("ulaw_8000", "ulaw_8000");
        int sent = socket.texts.size();

        frame("{\"type\":\"agent_tool_response\",\"agent_tool_response\":{\"tool_name\":\"end_call\","
                + "\"tool_call_id\":\"toolu_1\",\"tool_type\":\"system\",\"is_error\":false,\"is_called\":true,"
                + "\"event_id\":12}}");
        frame("{\"type\":\"agent_tool_response\",\"agent_tool_response\":{\"tool_name\":\"lookup\","
                + "\"tool_call_id\":\"toolu_2\",\"tool_type\":\"webhook\",\"is_error\":false,\"is_called\":true,"
                + "\"event_id\":13}}");
        listener.onClose(socket, 1000, "");

        assertThat(events).containsExactly(new AgentEvent.EndCallRequested(), new AgentEvent.Closed(1000, ""));
        assertThat(socket.texts).hasSize(sent);
        assertThat(conversation.stats().endCallTools()).isEqualTo(1);
    }

    @Test
    void anErrorEventAfterTheStartIsPassedOnWithItsCodeAndType() {
        started("ulaw_8000", "ulaw_8000");

        frame("{\"type\":\"error\",\"error_event\":{\"code\":1002,\"error_type\":\"transport_receive_timeout\","
                + "\"message\":\"No user input received\"}}");

        assertThat(events).containsExactly(new AgentEvent.ServerError(java.util.OptionalInt.of(1002),
                Optional.of("transport_receive_timeout"), "No user input received"));
    }

    @Test
    void aRejectionBeforeTheStartTellsAPolicyViolationFromAServerError() {
        ElevenLabsConversation rejected = new ElevenLabsConversation(
                new ConversationRequest("c", Optional.empty(), Optional.empty(), Optional.empty(), Map.of()),
                events::add, nanos::get, Runnable::run, new ServiceMetrics());
        WebSocket.Listener rejectedListener = rejected.socketListener();
        rejectedListener.onOpen(socket);
        rejectedListener.onClose(socket, 1008, "Override for field first_message is not allowed by config");

        ElevenLabsConversation broken = new ElevenLabsConversation(
                new ConversationRequest("c", Optional.empty(), Optional.empty(), Optional.empty(), Map.of()),
                events::add, nanos::get, Runnable::run, new ServiceMetrics());
        WebSocket.Listener brokenListener = broken.socketListener();
        brokenListener.onOpen(socket);
        brokenListener.onClose(socket, 1011, "Internal error");

        assertThat(rejected.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.causeCode()).isEqualTo("ai_rejected");
            assertThat(e.getMessage()).contains("first_message is not allowed").contains("security settings");
        });
        assertThat(broken.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.causeCode()).isEqualTo("ai_server_error");
            assertThat(e.getMessage()).contains("1011 Internal error");
        });
        assertThat(events).isEmpty();
    }

    @Test
    void anErrorEventBeforeTheStartNamesTheRefusal() {
        listener.onOpen(socket);

        frame("{\"type\":\"error\",\"error_event\":{\"code\":1008,\"error_type\":\"missing_dynamic_variable\","
                + "\"message\":\"Missing required dynamic variables: client_name\"}}");

        assertThat(conversation.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.causeCode()).isEqualTo("ai_rejected");
            assertThat(e.getMessage()).contains("missing_dynamic_variable").contains("client_name");
        });
    }

    @Test
    void userActivityIsSentAsItsOwnMessage() throws Exception {
        started("ulaw_8000", "ulaw_8000");

        conversation.sendUserActivity();
        runSends();

        assertThat(json(socket.texts.getLast())).isEqualTo(Map.of("type", "user_activity"));
    }

    @Test
    void aClientToolOtherThanEndCallIsHandedToTheCallWhichAnswersIt() throws Exception {
        started("ulaw_8000", "ulaw_8000");
        int sent = socket.texts.size();

        frame("{\"type\":\"client_tool_call\",\"client_tool_call\":"
                + "{\"tool_name\":\"send_dtmf\",\"tool_call_id\":\"tc_1\",\"parameters\":{\"digits\":\"12#\"}}}");

        assertThat(events).containsExactly(new AgentEvent.ToolCall("send_dtmf", "tc_1", Map.of("digits", "12#"),
                AgentEvent.ToolSource.CLIENT));
        assertThat(socket.texts).as("no answer before the call has acted").hasSize(sent);
        conversation.sendToolResult("tc_1", "Sent the keypad tones 12#.", false);
        runSends();
        assertThat(json(socket.texts.getLast())).containsEntry("type", "client_tool_result")
                .containsEntry("tool_call_id", "tc_1").containsEntry("is_error", false);
    }

    @Test
    void aSystemToolWithItsParametersIsHandedToTheCallWithoutAnAnswer() {
        started("ulaw_8000", "ulaw_8000");
        int sent = socket.texts.size();

        frame("{\"type\":\"agent_tool_response\",\"agent_tool_response\":{\"tool_name\":\"play_keypad_touch_tone\","
                + "\"tool_call_id\":\"toolu_3\",\"tool_type\":\"system\",\"is_error\":false,"
                + "\"parameters\":{\"dtmf_tones\":\"1w2\"}}}");
        frame("{\"type\":\"agent_tool_response\",\"agent_tool_response\":{\"tool_name\":\"play_keypad_touch_tone\","
                + "\"tool_type\":\"system\",\"is_error\":true}}");

        assertThat(events).containsExactly(new AgentEvent.ToolCall("play_keypad_touch_tone", "toolu_3",
                Map.of("dtmf_tones", "1w2"), AgentEvent.ToolSource.SYSTEM));
        assertThat(socket.texts).hasSize(sent);
    }

    @Test
    void sendsCallerAudioAndContextualUpdatesAndCountsTheAudio() throws Exception {
        started("pcm_16000", "ulaw_8000");

        conversation.sendUserAudio(new byte[640]);
        conversation.sendUserAudio(new byte[640]);
        conversation.sendContextualUpdate("DTMF 5");
        assertThat(socket.texts).hasSize(1);
        runSends();

        // The control frame goes first: it was queued while no send was under way yet.
        assertThat(json(socket.texts.get(1))).isEqualTo(Map.of("type", "contextual_update", "text", "DTMF 5"));
        assertThat(json(socket.texts.get(2))).containsOnlyKeys("user_audio_chunk");
        assertThat(json(socket.texts.get(3))).containsOnlyKeys("user_audio_chunk");
        ConversationStats stats = conversation.stats();
        assertThat(stats.audioChunksSent()).isEqualTo(2);
        assertThat(stats.audioBytesSent()).isEqualTo(1280);
        assertThat(stats.audioMsSent()).isEqualTo(40);
    }

    @Test
    void countsReceivedAudioInTheAgentsFormat() {
        started("ulaw_8000", "pcm_16000");

        frame(audio(new byte[3200], 1));

        assertThat(conversation.stats().audioBytesReceived()).isEqualTo(3200);
        assertThat(conversation.stats().audioMsReceived()).isEqualTo(100);
    }

    @Test
    void theConversationsLogLinesNameItsCallFirst() {
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ElevenLabsConversation.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            private final java.util.logging.SimpleFormatter formatter = new java.util.logging.SimpleFormatter();

            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(formatter.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            started("ulaw_8000", "ulaw_8000");
            listener.onClose(socket, 1011, "Internal error");
        } finally {
            logger.removeHandler(capture);
        }

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("call=call-1 conversation conv_1: "));
        assertThat(lines.get(0)).contains("started in 250 ms");
        assertThat(lines.get(1)).contains("agent closed the socket: 1011 Internal error");
    }

    @Test
    void aCloseByTheAgentIsReported() {
        started("ulaw_8000", "ulaw_8000");

        listener.onClose(socket, 1000, "conversation ended");
        conversation.sendUserAudio(new byte[160]);

        assertThat(events).containsExactly(new AgentEvent.Closed(1000, "conversation ended"));
        assertThat(socket.texts).hasSize(1);
    }

    @Test
    void aLostConnectionIsReportedAsAbnormalClosure() {
        started("ulaw_8000", "ulaw_8000");

        listener.onError(socket, new java.io.IOException("reset"));

        assertThat(events).containsExactly(new AgentEvent.Closed(1006, "connection lost"));
    }

    @Test
    void closingSendsNormalClosureAndSilencesFurtherEvents() {
        started("ulaw_8000", "ulaw_8000");

        conversation.close();
        conversation.close();
        runSends();
        frame("{\"type\":\"agent_response\",\"agent_response_event\":{\"agent_response\":\"late\"}}");
        listener.onClose(socket, 1000, "");

        assertThat(socket.closes).containsExactly("1000 ");
        assertThat(events).isEmpty();
    }

    @Test
    void aCloseBeforeTheMetadataFailsTheStart() {
        listener.onOpen(socket);

        listener.onClose(socket, 1002, "Something went wrong");

        assertThat(conversation.started()).isCompletedExceptionally();
        assertThat(conversation.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.causeCode()).isEqualTo("ai_protocol");
            assertThat(e.getMessage()).contains("1002");
        });
        assertThat(events).isEmpty();
    }

    @Test
    void aConnectionLostBeforeTheMetadataFailsTheStartAsUnreachable() {
        listener.onOpen(socket);

        listener.onError(socket, new java.io.IOException("connection reset"));

        assertThat(conversation.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.causeCode()).isEqualTo("ai_unreachable"));
        assertThat(events).isEmpty();
    }

    @Test
    void brokenFramingBeforeTheMetadataFailsTheStartAsProtocol() {
        listener.onOpen(socket);

        listener.onError(socket, new java.net.ProtocolException("unexpected opcode"));

        assertThat(conversation.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.causeCode()).isEqualTo("ai_protocol"));
    }

    @Test
    void aMalformedFirstMessageFailsTheStart() {
        listener.onOpen(socket);

        frame("<html>gateway</html>");

        assertThat(conversation.started().exceptionNow()).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.causeCode()).isEqualTo("ai_protocol"));
        assertThat(socket.aborted).isTrue();
    }

    @Test
    void aMalformedMessageLaterIsSkipped() {
        started("ulaw_8000", "ulaw_8000");
        long before = socket.requested.get();

        frame("{\"type\":\"audio\",\"audio_event\":{}}");
        frame("{\"type\":\"agent_response\",\"agent_response_event\":{\"agent_response\":\"still here\"}}");

        assertThat(events).containsExactly(new AgentEvent.AgentResponse("still here"));
        assertThat(conversation.stats().malformedMessages()).isEqualTo(1);
        assertThat(socket.requested.get()).isEqualTo(before + 2);
    }

    @Test
    void millisecondsFollowTheFormat() {
        assertThat(ElevenLabsConversation.millisOf(8000, "ulaw_8000")).isEqualTo(1000);
        assertThat(ElevenLabsConversation.millisOf(32000, "pcm_16000")).isEqualTo(1000);
        assertThat(ElevenLabsConversation.millisOf(88200, "pcm_44100")).isEqualTo(1000);
        assertThat(ElevenLabsConversation.millisOf(1000, "opus_48000")).isZero();
        assertThat(ElevenLabsConversation.millisOf(1000, "")).isZero();
    }
}
