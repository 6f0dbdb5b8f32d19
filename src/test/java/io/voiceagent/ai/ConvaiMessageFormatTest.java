package io.voiceagent.ai;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConvaiMessageFormatTest {

    private static Map<String, Object> json(String text) throws Exception {
        return JSON.std.mapFrom(text);
    }

    @Test
    void initiationCarriesOnlyTheOverridesGiven() throws Exception {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("customer_name", "Anna");
        variables.put("balance", 12);
        String frame = ConvaiMessages.conversationInitiation(new ConversationRequest("c1",
                Optional.of("Hello Anna"), Optional.of("Be brief"), Optional.of("ru"), variables));

        assertThat(json(frame)).isEqualTo(Map.of(
                "type", "conversation_initiation_client_data",
                "conversation_config_override", Map.of("agent", Map.of(
                        "first_message", "Hello Anna",
                        "prompt", Map.of("prompt", "Be brief"),
                        "language", "ru")),
                "dynamic_variables", Map.of("customer_name", "Anna", "balance", 12)));
    }

    @Test
    void initiationWithoutOverridesIsJustItsType() throws Exception {
        String frame = ConvaiMessages.conversationInitiation(new ConversationRequest("c1",
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of()));

        assertThat(json(frame)).isEqualTo(Map.of("type", "conversation_initiation_client_data"));
    }

    @Test
    void initiationWithOnlyALanguageOverridesOnlyTheLanguage() throws Exception {
        String frame = ConvaiMessages.conversationInitiation(new ConversationRequest("c1",
                Optional.empty(), Optional.empty(), Optional.of("de"), Map.of()));

        assertThat(json(frame)).isEqualTo(Map.of("type", "conversation_initiation_client_data",
                "conversation_config_override", Map.of("agent", Map.of("language", "de"))));
    }

    @Test
    void userAudioIsABareBase64ChunkWithoutType() throws Exception {
        byte[] audio = {(byte) 0xff, 0x7f, 0x00, 0x12};

        assertThat(json(ConvaiMessages.userAudioChunk(audio)))
                .isEqualTo(Map.of("user_audio_chunk", Base64.getEncoder().encodeToString(audio)));
    }

    @Test
    void clientMessagesHaveTheirDocumentedShapes() throws Exception {
        assertThat(json(ConvaiMessages.pong(123456))).isEqualTo(Map.of("type", "pong", "event_id", 123456));
        assertThat(json(ConvaiMessages.contextualUpdate("caller pressed 1 2 #")))
                .isEqualTo(Map.of("type", "contextual_update", "text", "caller pressed 1 2 #"));
        assertThat(json(ConvaiMessages.clientToolResult("call_7", "done", false)))
                .isEqualTo(Map.of("type", "client_tool_result", "tool_call_id", "call_7", "result", "done",
                        "is_error", false));
    }

    @Test
    void decodesConversationMetadata() throws Exception {
        ServerMessage message = ConvaiMessages.parse("""
                {"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":
                 {"conversation_id":"conv_123","agent_output_audio_format":"pcm_16000",
                  "user_input_audio_format":"ulaw_8000"}}""");

        assertThat(message).isEqualTo(new ServerMessage.Metadata("conv_123", "pcm_16000", "ulaw_8000"));
    }

    @Test
    void decodesAgentAudioFromBase64() throws Exception {
        byte[] audio = {1, 2, 3, (byte) 0x80};
        ServerMessage message = ConvaiMessages.parse("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\""
                + Base64.getEncoder().encodeToString(audio) + "\",\"event_id\":42}}");

        assertThat(message).isInstanceOfSatisfying(ServerMessage.Audio.class, a -> {
            assertThat(a.audio()).containsExactly(audio);
            assertThat(a.eventId()).isEqualTo(42);
        });
    }

    @Test
    void decodesTextEvents() throws Exception {
        assertThat(ConvaiMessages.parse(
                "{\"type\":\"agent_response\",\"agent_response_event\":{\"agent_response\":\"Hi there\"}}"))
                .isEqualTo(new ServerMessage.AgentResponse("Hi there"));
        assertThat(ConvaiMessages.parse("""
                {"type":"agent_response_correction","agent_response_correction_event":
                 {"original_agent_response":"Hi there, how","corrected_agent_response":"Hi there"}}"""))
                .isEqualTo(new ServerMessage.AgentResponseCorrection("Hi there, how", "Hi there"));
        assertThat(ConvaiMessages.parse(
                "{\"type\":\"user_transcript\",\"user_transcription_event\":{\"user_transcript\":\"yes\"}}"))
                .isEqualTo(new ServerMessage.UserTranscript("yes"));
    }

    @Test
    void decodesControlEvents() throws Exception {
        assertThat(ConvaiMessages.parse("{\"type\":\"ping\",\"ping_event\":{\"event_id\":7,\"ping_ms\":50}}"))
                .isEqualTo(new ServerMessage.Ping(7, OptionalLong.of(50)));
        assertThat(ConvaiMessages.parse("{\"type\":\"ping\",\"ping_event\":{\"event_id\":8}}"))
                .isEqualTo(new ServerMessage.Ping(8, OptionalLong.empty()));
        assertThat(ConvaiMessages.parse("{\"type\":\"interruption\",\"interruption_event\":{\"event_id\":9}}"))
                .isEqualTo(new ServerMessage.Interruption(OptionalLong.of(9)));
        assertThat(ConvaiMessages.parse("{\"type\":\"interruption\",\"interruption_event\":{\"reason\":\"user\"}}"))
                .isEqualTo(new ServerMessage.Interruption(OptionalLong.empty()));
        assertThat(ConvaiMessages.parse("""
                {"type":"client_tool_call","client_tool_call":
                 {"tool_name":"end_call","tool_call_id":"t1","parameters":{"reason":"done"}}}"""))
                .isEqualTo(new ServerMessage.ClientToolCall("end_call", "t1", Map.of("reason", "done")));
    }

    @Test
    void keepsWhatAnErrorMessageSays() throws Exception {
        ServerMessage message = ConvaiMessages.parse(
                "{\"type\":\"error\",\"error_event\":{\"code\":1008,\"message\":\"quota exceeded\"}}");

        assertThat(message).isEqualTo(new ServerMessage.Error(java.util.OptionalInt.of(1008), java.util.Optional.empty(),
                "quota exceeded"));
        assertThat(ConvaiMessages.parse("{\"type\":\"error\",\"error_event\":{\"code\":1011,"
                + "\"error_type\":\"unknown_websocket_crash\",\"message\":\"boom\",\"reason\":\"internal\"}}"))
                .isEqualTo(new ServerMessage.Error(java.util.OptionalInt.of(1011),
                        java.util.Optional.of("unknown_websocket_crash"), "boom"));
        assertThat(ConvaiMessages.parse("{\"type\":\"error\",\"detail\":\"odd shape\"}"))
                .isInstanceOfSatisfying(ServerMessage.Error.class, e -> assertThat(e.message()).contains("odd shape"));
    }

    @Test
    void ignoresMessagesTheBridgeHasNoUseFor() throws Exception {
        assertThat(ConvaiMessages.parse("{\"type\":\"vad_score\",\"vad_score_event\":{\"vad_score\":0.9}}"))
                .isEqualTo(new ServerMessage.Ignored("vad_score"));
        assertThat(ConvaiMessages.parse("""
                {"type":"internal_tentative_agent_response",
                 "tentative_agent_response_internal_event":{"tentative_agent_response":"Hm"}}"""))
                .isEqualTo(new ServerMessage.Ignored("internal_tentative_agent_response"));
    }

    @Test
    void rejectsFramesThatDoNotFitTheProtocol() {
        for (String bad : new String[]{"not json", "[1,2]", "{}", "{\"type\":\"audio\"}",
                "{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"%%%\",\"event_id\":1}}",
                "{\"type\":\"ping\",\"ping_event\":{}}",
                "{\"type\":\"conversation_initiation_metadata\",\"conversation_initiation_metadata_event\":{}}"}) {
            assertThatThrownBy(() -> ConvaiMessages.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.causeCode()).isEqualTo("ai_protocol"));
        }
    }
}
