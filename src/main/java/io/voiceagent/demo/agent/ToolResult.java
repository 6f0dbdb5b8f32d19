package io.voiceagent.demo.agent;

/** A {@code client_tool_result} the client sent back. */
public record ToolResult(String toolCallId, String result, boolean isError) {
}
