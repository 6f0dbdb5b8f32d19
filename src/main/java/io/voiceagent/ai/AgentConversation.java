package io.voiceagent.ai;

/** A live conversation. Sends never block the caller for long; {@link #close()} is idempotent. */
public interface AgentConversation extends AutoCloseable {

    String conversationId();

    /** The agent's {@code user_input_audio_format}, e.g. {@code ulaw_8000}. */
    String userInputFormat();

    /** The agent's {@code agent_output_audio_format}. */
    String agentOutputFormat();

    /** One chunk of caller audio in the user input format. */
    void sendUserAudio(byte[] audio);

    /**
     * {@code user_activity}: the agent does not take a turn for about 2 s after one (ElevenLabs' SDKs
     * document it so), which is how a ringing phone keeps it from re-prompting nobody.
     */
    void sendUserActivity();

    /** Tells the agent something it did not hear, e.g. DTMF digits. */
    void sendContextualUpdate(String text);

    /** {@code client_tool_result}: the outcome of a {@link AgentEvent.ToolSource#CLIENT} tool call. */
    void sendToolResult(String toolCallId, String result, boolean isError);

    /** Live counters (audio, events, pings, queue depths) for the media debug endpoint. */
    java.util.Map<String, Object> debug();

    /** Closes with 1000. */
    @Override
    void close();
}
