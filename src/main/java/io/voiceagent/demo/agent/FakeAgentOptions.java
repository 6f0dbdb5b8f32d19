package io.voiceagent.demo.agent;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How the fake ElevenLabs agent behaves. Start from {@link #defaults()} and change what a test needs via
 * {@link #toBuilder()}.
 *
 * @param bindAddress        where to listen; port 0 picks an ephemeral port
 * @param agentId            the only {@code agent_id} accepted; others get 404
 * @param apiKey             the expected {@code xi-api-key}; null accepts any request without a key check
 * @param audioFormat        the format of user audio expected and agent audio sent
 * @param greetingText       first message text (a {@code first_message} override replaces it, not the audio)
 * @param greetingAudio      first message audio, 8 kHz mu-law; empty for no greeting
 * @param userTranscript     what the fake claims to have heard whenever the caller stops speaking
 * @param replyText          the scripted reply
 * @param replyAudio         the scripted reply's audio, 8 kHz mu-law
 * @param endCallAfterReply  end the conversation after the reply the way the real service's {@code end_call} system
 *                           tool does: an {@code agent_tool_response} for {@code end_call} once the reply's audio is
 *                           sent, then a close with 1000 (the audio is still playing at the client then)
 * @param pingInterval       time between pings; zero disables them
 * @param speechSpeed        how many times faster than real time agent speech is sent (the real service's TTS runs
 *                           ahead of playback: default 4); 1 is real time. Audio goes out in uneven bursts of 1 to 7
 *                           chunks at that average rate, and pings and interruptions can fall in the middle of one
 * @param turnTimeout        after the agent's turn has played and the user said nothing for this long, the agent
 *                           re-prompts ("Are you still there?"), unless a {@code user_activity} came within the last
 *                           2 s; zero never re-prompts
 * @param agentChunk         audio per {@code audio} event
 * @param speechThresholdRms RMS (16-bit linear) above which a 20 ms window counts as speech
 * @param speechEndSilence   quiet audio after speech that ends the caller's turn
 * @param bargeIn            caller speech while agent audio is still playing sends an {@code interruption}
 * @param userAudioTimeout   close the conversation (1000) when no {@code user_audio_chunk} came for this long
 * @param initiationTimeout  close the WebSocket (1008) when no {@code conversation_initiation_client_data} came
 *                           this long after the upgrade
 * @param maxMessageBytes    largest WebSocket message accepted
 * @param recordTraffic      keep every user audio byte, chunk timing and sent event type for tests; off for
 *                           long demo or benchmark runs, where only counts are kept
 */
public record FakeAgentOptions(InetSocketAddress bindAddress, String agentId, String apiKey, WireAudioFormat audioFormat,
                               String greetingText, byte[] greetingAudio, String userTranscript, String replyText,
                               byte[] replyAudio, boolean endCallAfterReply, Duration pingInterval, double speechSpeed,
                               Duration turnTimeout, Duration agentChunk, double speechThresholdRms, Duration speechEndSilence, boolean bargeIn,
                               Duration userAudioTimeout, Duration initiationTimeout, int maxMessageBytes,
                               boolean recordTraffic) {

    /** The real service's speech runs several times faster than real time. */
    public static final double DEFAULT_SPEECH_SPEED = 4.0;
    /** How long one {@code user_activity} keeps the agent from taking a turn (per ElevenLabs' SDK documentation). */
    public static final Duration USER_ACTIVITY_HOLD = Duration.ofSeconds(2);

    public FakeAgentOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(audioFormat, "audioFormat");
        Objects.requireNonNull(greetingText, "greetingText");
        greetingAudio = greetingAudio.clone();
        Objects.requireNonNull(userTranscript, "userTranscript");
        Objects.requireNonNull(replyText, "replyText");
        replyAudio = replyAudio.clone();
        if (!(speechSpeed >= 1.0)) {
            throw new IllegalArgumentException("speechSpeed must be at least 1 (real time): " + speechSpeed);
        }
        Objects.requireNonNull(turnTimeout, "turnTimeout");
        if (turnTimeout.isNegative()) {
            throw new IllegalArgumentException("turnTimeout must not be negative");
        }
        requirePositive(agentChunk, "agentChunk");
        requirePositive(speechEndSilence, "speechEndSilence");
        requirePositive(userAudioTimeout, "userAudioTimeout");
        requirePositive(initiationTimeout, "initiationTimeout");
        if (pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval must not be negative");
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
    }

    /** Loopback, ephemeral port, agent {@code demo-agent}, no key check, ulaw_8000, the demo recordings. */
    public static FakeAgentOptions defaults() {
        return new FakeAgentOptions(new InetSocketAddress("127.0.0.1", 0), "demo-agent", null, WireAudioFormat.ULAW_8000,
                "Hello! This is the voiceagent demo. How can I help you today?", DemoAudio.greeting(),
                "I heard you", "Thank you. Goodbye!", DemoAudio.reply(), true,
                Duration.ofSeconds(2), DEFAULT_SPEECH_SPEED, Duration.ZERO, Duration.ofMillis(100), 500.0, Duration.ofMillis(500), true,
                Duration.ofSeconds(60), Duration.ofSeconds(10), 1 << 20, true);
    }

    @Override
    public byte[] greetingAudio() {
        return greetingAudio.clone();
    }

    @Override
    public byte[] replyAudio() {
        return replyAudio.clone();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "FakeAgentOptions[agentId=" + agentId + ", apiKey=" + (apiKey == null ? "none" : "****") + ", audioFormat=" + audioFormat
                + ", speechSpeed=" + speechSpeed + ", pingInterval=" + pingInterval + ", userAudioTimeout=" + userAudioTimeout + "]";
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Changes a few options of an existing set. */
    public static final class Builder {
        private InetSocketAddress bindAddress;
        private String agentId;
        private String apiKey;
        private WireAudioFormat audioFormat;
        private String greetingText;
        private byte[] greetingAudio;
        private String userTranscript;
        private String replyText;
        private byte[] replyAudio;
        private boolean endCallAfterReply;
        private Duration pingInterval;
        private double speechSpeed;
        private Duration turnTimeout;
        private Duration agentChunk;
        private double speechThresholdRms;
        private Duration speechEndSilence;
        private boolean bargeIn;
        private Duration userAudioTimeout;
        private Duration initiationTimeout;
        private int maxMessageBytes;
        private boolean recordTraffic;

        private Builder(FakeAgentOptions from) {
            bindAddress = from.bindAddress;
            agentId = from.agentId;
            apiKey = from.apiKey;
            audioFormat = from.audioFormat;
            greetingText = from.greetingText;
            greetingAudio = from.greetingAudio;
            userTranscript = from.userTranscript;
            replyText = from.replyText;
            replyAudio = from.replyAudio;
            endCallAfterReply = from.endCallAfterReply;
            pingInterval = from.pingInterval;
            speechSpeed = from.speechSpeed;
            turnTimeout = from.turnTimeout;
            agentChunk = from.agentChunk;
            speechThresholdRms = from.speechThresholdRms;
            speechEndSilence = from.speechEndSilence;
            bargeIn = from.bargeIn;
            userAudioTimeout = from.userAudioTimeout;
            initiationTimeout = from.initiationTimeout;
            maxMessageBytes = from.maxMessageBytes;
            recordTraffic = from.recordTraffic;
        }

        public Builder bindAddress(InetSocketAddress value) { bindAddress = value; return this; }
        public Builder agentId(String value) { agentId = value; return this; }
        public Builder apiKey(String value) { apiKey = value; return this; }
        public Builder audioFormat(WireAudioFormat value) { audioFormat = value; return this; }
        public Builder greeting(String text, byte[] ulaw8000) { greetingText = text; greetingAudio = ulaw8000; return this; }
        public Builder userTranscript(String value) { userTranscript = value; return this; }
        public Builder reply(String text, byte[] ulaw8000) { replyText = text; replyAudio = ulaw8000; return this; }
        public Builder endCallAfterReply(boolean value) { endCallAfterReply = value; return this; }
        public Builder pingInterval(Duration value) { pingInterval = value; return this; }
        public Builder speechSpeed(double value) { speechSpeed = value; return this; }
        public Builder turnTimeout(Duration value) { turnTimeout = value; return this; }
        public Builder agentChunk(Duration value) { agentChunk = value; return this; }
        public Builder speechThresholdRms(double value) { speechThresholdRms = value; return this; }
        public Builder speechEndSilence(Duration value) { speechEndSilence = value; return this; }
        public Builder bargeIn(boolean value) { bargeIn = value; return this; }
        public Builder userAudioTimeout(Duration value) { userAudioTimeout = value; return this; }
        public Builder initiationTimeout(Duration value) { initiationTimeout = value; return this; }
        public Builder maxMessageBytes(int value) { maxMessageBytes = value; return this; }
        public Builder recordTraffic(boolean value) { recordTraffic = value; return this; }

        public FakeAgentOptions build() {
            return new FakeAgentOptions(bindAddress, agentId, apiKey, audioFormat, greetingText, greetingAudio, userTranscript,
                    replyText, replyAudio, endCallAfterReply, pingInterval, speechSpeed, turnTimeout, agentChunk, speechThresholdRms,
                    speechEndSilence, bargeIn, userAudioTimeout, initiationTimeout, maxMessageBytes, recordTraffic);
        }
    }
}
