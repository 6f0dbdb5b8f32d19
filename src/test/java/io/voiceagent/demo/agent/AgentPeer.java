package io.voiceagent.demo.agent;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.demo.ws.JdkWebSocketPeer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** Test-side helpers over a plain JDK WebSocket peer speaking the Conversational AI protocol by hand. */
final class AgentPeer {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final String INITIATION = """
            {"type":"conversation_initiation_client_data",\
            "conversation_config_override":{"agent":{"prompt":{"prompt":"Be brief."},"first_message":"Hi there","language":"en"}},\
            "dynamic_variables":{"caller":"+79990001122","attempt":1}}""";

    private AgentPeer() {
    }

    static JdkWebSocketPeer connect(FakeElevenLabsAgent agent, String query, Map<String, String> headers) throws Exception {
        return JdkWebSocketPeer.connect(URI.create(agent.webSocketUri() + query), headers);
    }

    static Map<String, Object> json(String text) {
        try {
            return JSON.std.mapFrom(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> parent, String name) {
        return (Map<String, Object>) parent.get(name);
    }

    static String type(String text) {
        return (String) json(text).get("type");
    }

    static Map<String, Object> awaitEvent(JdkWebSocketPeer peer, String type) throws TimeoutException {
        return json(peer.awaitText(text -> type.equals(type(text)), TIMEOUT).text());
    }

    static List<Map<String, Object>> events(JdkWebSocketPeer peer, String type) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String text : peer.texts()) {
            Map<String, Object> event = json(text);
            if (type.equals(event.get("type"))) {
                events.add(event);
            }
        }
        return events;
    }

    /** Concatenated audio of every audio event received so far with this event id. */
    static byte[] audioOf(JdkWebSocketPeer peer, long eventId) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (Map<String, Object> event : events(peer, "audio")) {
            Map<String, Object> audioEvent = object(event, "audio_event");
            if (((Number) audioEvent.get("event_id")).longValue() == eventId) {
                audio.writeBytes(Base64.getDecoder().decode((String) audioEvent.get("audio_base_64")));
            }
        }
        return audio.toByteArray();
    }

    static String audioChunk(byte[] audio) {
        return "{\"user_audio_chunk\":\"" + Base64.getEncoder().encodeToString(audio) + "\"}";
    }

    /** Sends audio in 20 ms chunks as fast as the socket takes them. */
    static void sendAudio(JdkWebSocketPeer peer, byte[] audio, int bytesPer20Ms) throws Exception {
        for (int offset = 0; offset < audio.length; offset += bytesPer20Ms) {
            byte[] chunk = java.util.Arrays.copyOfRange(audio, offset, Math.min(audio.length, offset + bytesPer20Ms));
            peer.sendText(audioChunk(chunk));
        }
    }

    /**
     * Like {@link #sendAudio}, for audio the agent may no longer wait for: it can end the call and
     * close once it has heard enough, while the rest is still being sent (a slow sender on a busy
     * machine), and what it did not take is then not sent.
     */
    static void sendAudioUntilClosed(JdkWebSocketPeer peer, byte[] audio, int bytesPer20Ms) throws Exception {
        try {
            sendAudio(peer, audio, bytesPer20Ms);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof java.io.IOException)) {
                throw e;
            }
        }
    }

    static byte[] ulawSilence(int millis) {
        byte[] silence = new byte[millis * 8];
        java.util.Arrays.fill(silence, (byte) 0xFF);
        return silence;
    }
}
