/**
 * The ElevenLabs Conversational AI client: one WebSocket per call ({@code ElevenLabsConversation}),
 * opened by {@code ElevenLabsClient} directly or through a signed URL, with the protocol's JSON in
 * {@code ConvaiMessages} and the causes of refusals and endings in {@code AgentCause}.
 *
 * <p>Threads: java.net.http's reader delivers a conversation's messages one at a time and the
 * conversation never stops asking for the next one, whatever the phone is doing: the real service
 * streams speech several times faster than real time, and a paused reader would leave pings,
 * interruptions and the close frame behind seconds of audio. Pings are answered on that reader, at
 * once; events go to the {@code AgentListener} on it, which must not block. The {@code end_call}
 * tool is handled here; every other client or system tool call is passed on as
 * {@code AgentEvent.ToolCall}, and the listener answers client tools with {@code sendToolResult}. Sends (caller audio from
 * the media threads, pongs, tool results, user activity) are queued in a {@code SendQueue} and run on
 * the conversation's own sender thread and java.net.http's completion threads, never on the thread
 * that asked (so the pacing clock never sends on a socket); the one exception is a pong, which the
 * reader sends itself when no other send is under way (taking over a drain whose thread has not
 * started yet), so it does not wait for a thread to be scheduled.
 * Each pong is timed from the moment its ping was read off the socket to the moment it is handed to
 * {@code sendText} (at once, or after the send under way), into {@code metrics.ServiceMetrics}'
 * {@code voiceagent_agent_pong_delay_seconds}; interruptions are counted there too. The client keeps what the last opening
 * handshake found ({@code AgentReachability}, for {@code /health}) in a volatile field written by the
 * thread that completes the handshake.
 *
 * <p>Locks: the conversation's lock and its send queue's lock are leaves, never held while calling out
 * (a pong's timing runs on the sending thread outside the queue's lock).
 */
package io.voiceagent.ai;
