package io.voiceagent.tools;

import io.voiceagent.ai.AgentConversation;
import io.voiceagent.ai.AgentEvent;
import io.voiceagent.config.Config;
import io.voiceagent.rtp.DtmfSender;
import io.voiceagent.sip.PhoneNumbers;
import io.voiceagent.transfer.CallTransfer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one place where the agent's tools become actions on a call. A client tool always gets a
 * {@code client_tool_result}: the outcome once the action is over, or an error saying why it could
 * not run (an unknown tool included, as ElevenLabs' SDKs do); a system tool was run by the server
 * and gets none. Every action goes on the call record.
 */
public final class PhoneTools {

    private static final System.Logger LOG = System.getLogger(PhoneTools.class.getName());
    /** Far more keys than any phone menu or PIN needs, few enough to play in well under a minute. */
    static final int MAX_KEYS = 64;

    private final CallControl call;
    private final KeypadTones keypad;
    private final Clock clock;
    private final Config.Tools settings;
    private final CallTransfer transfer;

    public PhoneTools(CallControl call, Config.Tools settings, ScheduledExecutorService timers, Clock clock,
                      CallTransfer transfer) {
        this.call = Objects.requireNonNull(call, "call");
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keypad = new KeypadTones(call, Objects.requireNonNull(timers, "timers"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** On the conversation's reader: starts the tool's work and returns. */
    public void onToolCall(AgentEvent.ToolCall toolCall, AgentConversation conversation) {
        Optional<PhoneTool> tool = PhoneTool.ofWireName(toolCall.toolName());
        if (tool.isEmpty()) {
            if (toolCall.source() == AgentEvent.ToolSource.CLIENT) {
                LOG.log(System.Logger.Level.WARNING, "call={0} agent called unknown client tool {1}", call.callId(),
                        toolCall.toolName());
                answer(toolCall, conversation, "Client tool " + toolCall.toolName() + " is not available on a phone call.",
                        true);
            }
            return;
        }
        switch (tool.get()) {
            case SEND_DTMF, PLAY_KEYPAD_TOUCH_TONE -> pressKeys(tool.get(), toolCall, conversation);
            case VOICEMAIL, VOICEMAIL_DETECTION -> voicemail(tool.get(), toolCall, conversation);
            case TRANSFER_CALL, TRANSFER_TO_NUMBER -> transfer(tool.get(), toolCall, conversation);
        }
    }

    /**
     * Hands the caller to a person ({@code transfer.CallTransfer}); the client tool's result comes
     * with the outcome. ElevenLabs' {@code transfer_to_number} is acted on only when its event names
     * a number: otherwise it was a transfer ElevenLabs' own telephony makes, which cannot be ours.
     */
    private void transfer(PhoneTool tool, AgentEvent.ToolCall toolCall, AgentConversation conversation) {
        Object value = toolCall.parameters().get(tool.parameter());
        if (value == null && tool == PhoneTool.TRANSFER_TO_NUMBER) {
            value = toolCall.parameters().get(PhoneTool.TRANSFER_CALL.parameter());
        }
        Optional<String> target = value instanceof String typed ? PhoneNumbers.toE164Digits(typed) : Optional.empty();
        if (target.isEmpty()) {
            if (value == null && tool == PhoneTool.TRANSFER_TO_NUMBER) {
                LOG.log(System.Logger.Level.INFO, "call={0} transfer_to_number without a number: left to ElevenLabs",
                        call.callId());
                return;
            }
            refuse(tool, toolCall, conversation, tool.parameter() + ": " + PhoneNumbers.EXPECTED);
            return;
        }
        Optional<String> message = toolCall.parameters().get("message") instanceof String m && !m.isBlank()
                ? Optional.of(m.strip()) : Optional.empty();
        Map<String, Object> event = event(tool, "transfer");
        event.put("target", target.get());
        String requestedBy = toolCall.source() == AgentEvent.ToolSource.CLIENT ? "tool" : "system_tool";
        Optional<String> refusal = transfer.start(target.get(), requestedBy, message.isPresent(),
                (text, isError) -> answer(toolCall, conversation, text, isError));
        if (refusal.isPresent()) {
            refuse(tool, toolCall, conversation, refusal.get());
            return;
        }
        // We cannot speak for the agent: it is asked to say the message, which plays before the ringback.
        message.ifPresent(m -> conversation.sendContextualUpdate("You are transferring the caller to a person now."
                + " Say this to the caller, and nothing else: " + m));
        call.recordEvent(event);
    }

    /**
     * The agent reached voicemail. The result is sent before the call acts, so that with
     * {@code hangup} it is queued ahead of the conversation's close.
     */
    private void voicemail(PhoneTool tool, AgentEvent.ToolCall toolCall, AgentConversation conversation) {
        if (!call.live()) {
            refuse(tool, toolCall, conversation, "the call is not answered");
            return;
        }
        Config.VoicemailAction action = settings.voicemailAction();
        Map<String, Object> event = event(tool, "voicemail");
        event.put("action", action.wireName());
        call.recordEvent(event);
        LOG.log(System.Logger.Level.INFO, "call={0} {1}: voicemail, {2}", call.callId(), tool.wireName(),
                action.wireName());
        boolean hangUp = action == Config.VoicemailAction.HANGUP;
        answer(toolCall, conversation, hangUp
                ? "Voicemail: the call is being hung up; say nothing more."
                : "Voicemail: leave your message now, then end the call.", false);
        call.endAsVoicemail(hangUp);
    }

    private void pressKeys(PhoneTool tool, AgentEvent.ToolCall toolCall, AgentConversation conversation) {
        Object value = toolCall.parameters().get(tool.parameter());
        String digits = value instanceof String text ? text.strip() : value instanceof Number n ? n.toString() : "";
        if (digits.length() > MAX_KEYS || !DtmfSender.valid(digits)) {
            refuse(tool, toolCall, conversation, "expected " + tool.parameter() + ": 1 to " + MAX_KEYS
                    + " of 0-9, *, #, A-D, w (0.5 s pause), W (1 s pause)");
            return;
        }
        if (!call.live()) {
            refuse(tool, toolCall, conversation, "the call is not answered");
            return;
        }
        LOG.log(System.Logger.Level.INFO, "call={0} {1}: pressing {2}", call.callId(), tool.wireName(), digits);
        keypad.send(digits).whenComplete((route, failure) -> {
            Map<String, Object> event = event(tool, "keypad_tones");
            event.put("digits", digits);
            if (failure == null) {
                event.put("via", route.wireName);
                event.put("outcome", "sent");
                call.recordEvent(event);
                answer(toolCall, conversation, "Sent the keypad tones " + digits + ".", false);
            } else {
                String why = reason(failure);
                event.put("outcome", "failed");
                event.put("reason", why);
                call.recordEvent(event);
                LOG.log(System.Logger.Level.WARNING, "call={0} {1} failed: {2}", call.callId(), tool.wireName(), why);
                answer(toolCall, conversation, "The keypad tones were not sent: " + why + ".", true);
            }
        });
    }

    /**
     * {@code POST /api/calls/{id}/dtmf}: an operator presses keys on an answered call, the same way
     * as the agent's tools (RTP events or SIP INFO). Returns at once; the outcome goes on the record.
     * Digits are checked by the caller.
     */
    public void pressKeysForOperator(String digits) {
        keypad.send(digits).whenComplete((route, failure) -> {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("source", "api");
            event.put("type", "keypad_tones");
            event.put("digits", digits);
            event.put("at", clock.instant().toString());
            if (failure == null) {
                event.put("via", route.wireName);
                event.put("outcome", "sent");
            } else {
                event.put("outcome", "failed");
                event.put("reason", reason(failure));
            }
            call.recordEvent(event);
        });
    }

    private void refuse(PhoneTool tool, AgentEvent.ToolCall toolCall, AgentConversation conversation, String why) {
        LOG.log(System.Logger.Level.WARNING, "call={0} {1} refused: {2}", call.callId(), tool.wireName(), why);
        Map<String, Object> event = event(tool, "tool_refused");
        event.put("reason", why);
        call.recordEvent(event);
        answer(toolCall, conversation, "Not done: " + why + ".", true);
    }

    private Map<String, Object> event(PhoneTool tool, String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("source", "tool");
        event.put("type", type);
        event.put("tool", tool.wireName());
        event.put("at", clock.instant().toString());
        return event;
    }

    private static void answer(AgentEvent.ToolCall toolCall, AgentConversation conversation, String result,
                               boolean isError) {
        if (toolCall.source() == AgentEvent.ToolSource.CLIENT) {
            conversation.sendToolResult(toolCall.toolCallId(), result, isError);
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
            return "the call ended first";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
