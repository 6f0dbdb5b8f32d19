package io.voiceagent.sip.interop;

import io.voiceagent.ai.AgentClient;
import io.voiceagent.ai.AgentConversation;
import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.ai.ConversationRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for ElevenLabs in the interop tests that drive the agent's side: every conversation
 * starts at once (μ-law both ways), the test sends it events as the agent would, and the
 * {@code client_tool_result}s the call sends back are kept in order.
 */
final class ScriptedAgent implements AgentClient {

    record ToolResult(String toolCallId, String result, boolean isError) {
    }

    private final CompletableFuture<AgentListener> listener = new CompletableFuture<>();
    private final BlockingQueue<ToolResult> toolResults = new LinkedBlockingQueue<>();
    /** The contextual updates the call sent, in order. */
    final List<String> contextualUpdates = new CopyOnWriteArrayList<>();
    final AtomicLong userAudioChunks = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public CompletableFuture<AgentConversation> connect(ConversationRequest request, AgentListener events) {
        listener.complete(events);
        return CompletableFuture.completedFuture(new Conversation());
    }

    /** Hands the call an event as the conversation's reader would. */
    void say(AgentEvent event) throws Exception {
        listener.get(10, TimeUnit.SECONDS).onEvent(event);
    }

    ToolResult nextToolResult(Duration timeout) throws InterruptedException {
        ToolResult result = toolResults.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (result == null) {
            throw new AssertionError("no client_tool_result within " + timeout);
        }
        return result;
    }

    private final class Conversation implements AgentConversation {

        @Override
        public String conversationId() {
            return "conv_scripted";
        }

        @Override
        public String userInputFormat() {
            return "ulaw_8000";
        }

        @Override
        public String agentOutputFormat() {
            return "ulaw_8000";
        }

        @Override
        public void sendUserAudio(byte[] audio) {
            userAudioChunks.incrementAndGet();
        }

        @Override
        public void sendUserActivity() {
        }

        @Override
        public void sendContextualUpdate(String text) {
            contextualUpdates.add(text);
        }

        @Override
        public void sendToolResult(String toolCallId, String result, boolean isError) {
            toolResults.add(new ToolResult(toolCallId, result, isError));
        }

        @Override
        public Map<String, Object> debug() {
            return Map.of();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
