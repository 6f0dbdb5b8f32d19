package io.voiceagent.demo.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client messages in the documented shapes are understood; anything else is refused with a reason. */
class ClientMessageParsingTest {

    @Test
    void audioChunkIsDecodedWhetherCompactOrSpaced() throws InvalidClientMessage {
        ClientMessage compact = ClientMessages.parse("{\"user_audio_chunk\":\"AAEC/w==\"}");
        ClientMessage spaced = ClientMessages.parse("{ \"user_audio_chunk\" : \"AAEC/w==\" }");
        assertThat(((ClientMessage.UserAudioChunk) compact).audio()).containsExactly(0, 1, 2, 0xFF);
        assertThat(((ClientMessage.UserAudioChunk) spaced).audio()).containsExactly(0, 1, 2, 0xFF);
    }

    @Test
    void otherClientMessagesAreRecognised() throws InvalidClientMessage {
        assertThat(ClientMessages.parse("{\"type\":\"pong\",\"event_id\":7}")).isEqualTo(new ClientMessage.Pong(7));
        assertThat(ClientMessages.parse("{\"type\":\"contextual_update\",\"text\":\"digits 12\"}"))
                .isEqualTo(new ClientMessage.ContextualUpdate("digits 12"));
        assertThat(ClientMessages.parse("{\"type\":\"client_tool_result\",\"tool_call_id\":\"t1\",\"result\":\"done\",\"is_error\":true}"))
                .isEqualTo(new ClientMessage.ClientToolResult("t1", "done", true));
        assertThat(ClientMessages.parse("{\"type\":\"user_message\",\"text\":\"hi\"}")).isEqualTo(new ClientMessage.UserMessage("hi"));
        assertThat(ClientMessages.parse("{\"type\":\"user_activity\"}")).isEqualTo(new ClientMessage.UserActivity());
    }

    @Test
    void initiationOverridesAreRead() throws InvalidClientMessage {
        ClientMessage.Initiation initiation = (ClientMessage.Initiation) ClientMessages.parse(AgentPeer.INITIATION);
        assertThat(initiation.firstMessageOverride()).isEqualTo("Hi there");
        assertThat(initiation.languageOverride()).isEqualTo("en");
        assertThat(initiation.fields()).containsKey("dynamic_variables");
    }

    @Test
    void malformedOrUnknownMessagesAreRefused() {
        assertThatThrownBy(() -> ClientMessages.parse("[1,2]")).isInstanceOf(InvalidClientMessage.class);
        assertThatThrownBy(() -> ClientMessages.parse("{\"user_audio_chunk\":\"***\"}")).hasMessageContaining("base64");
        assertThatThrownBy(() -> ClientMessages.parse("{\"type\":\"pong\",\"event_id\":\"7\"}")).hasMessageContaining("event_id");
        assertThatThrownBy(() -> ClientMessages.parse("{\"type\":\"dance\"}")).hasMessageContaining("unknown type dance");
        assertThatThrownBy(() -> ClientMessages.parse("{\"event_id\":1}")).hasMessageContaining("missing type");
        assertThatThrownBy(() -> ClientMessages.parse("{\"type\":\"conversation_initiation_client_data\","
                + "\"conversation_config_override\":{\"agent\":{\"first_message\":5}}}")).hasMessageContaining("first_message");
    }
}
