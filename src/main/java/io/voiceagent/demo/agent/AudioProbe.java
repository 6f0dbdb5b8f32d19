package io.voiceagent.demo.agent;

/**
 * Sees the audio of every conversation with its monotonic time: caller audio as each
 * {@code user_audio_chunk} arrives and agent audio as each {@code audio} event is sent. The load
 * benchmark measures latency with it. Called with the conversation's lock held: quick, no blocking.
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
}
