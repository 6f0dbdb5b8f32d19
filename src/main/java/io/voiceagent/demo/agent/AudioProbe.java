package io.voiceagent.demo.agent;

/**
 * Sees the audio of every conversation with its monotonic time: caller audio as each
 * {@code user_audio_chunk} arrives and agent audio as each {@code audio} event is sent; and the events
 * whose timing the benchmark measures (interruptions, pings and their pongs). The load benchmark
 * measures latency with it. Called with the conversation's lock held: quick, no blocking.
 */
public interface AudioProbe {

    AudioProbe NONE = new AudioProbe() {
        @Override
        public void userAudio(FakeConversation conversation, byte[] audio, long nanos) {
        }

        @Override
        public void agentAudio(FakeConversation conversation, byte[] audio, long nanos) {
        }
    };

    /** A {@code user_audio_chunk} arrived; {@code audio} is decoded, in the conversation's format. */
    void userAudio(FakeConversation conversation, byte[] audio, long nanos);

    /** An {@code audio} event with this audio (in the conversation's format) is about to be sent. */
    void agentAudio(FakeConversation conversation, byte[] audio, long nanos);

    /** An {@code interruption} is about to be sent. */
    default void interruptionSent(FakeConversation conversation, long eventId, long nanos) {
    }

    /** A {@code ping} is about to be sent. */
    default void pingSent(FakeConversation conversation, long eventId, long nanos) {
    }

    /** The pong to ping {@code eventId} arrived {@code roundTripNanos} after the ping was sent. */
    default void pongReceived(FakeConversation conversation, long eventId, long roundTripNanos) {
    }
}
