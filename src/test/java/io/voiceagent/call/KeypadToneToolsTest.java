package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.ai.AgentListener;
import io.voiceagent.sip.SessionDescription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keypad tools as a call runs them: {@code send_dtmf} (client tool) and
 * {@code play_keypad_touch_tone} (system tool) press keys by RFC 4733 when the far end offered
 * telephone-event and by SIP INFO when not; a client tool's result comes once the last key is sent.
 */
class KeypadToneToolsTest {
    private static final SessionDescription ANSWER =
            CallTestDoubles.answer(SessionDescription.PCMU, SessionDescription.TELEPHONE_EVENT);

    @TempDir
    Path dataDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final CallTestDoubles.Conversation conversation = new CallTestDoubles.Conversation();
    private CallTestDoubles.Calls fixture;
    private CallTestDoubles.Sip sip;
    private CallTestDoubles.MediaFactory media;
    private CallManager calls;
    private String callId;
    private AgentListener agent;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CallTestDoubles.Calls(dataDir, clock, CallTestDoubles.settings());
        sip = fixture.sip;
        media = fixture.media;
        calls = fixture.manager;
        CallTestDoubles.RingingCall ringing = fixture.ringingCall(conversation);
        callId = ringing.id();
        agent = ringing.agent();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void answer() {
        fixture.answer(0, ANSWER);
    }

    private CallTestDoubles.Media phoneMedia() {
        return media.opened.getFirst();
    }

    private static AgentEvent.ToolCall sendDtmf(String id, Object digits) {
        return new AgentEvent.ToolCall("send_dtmf", id, Map.of("digits", digits), AgentEvent.ToolSource.CLIENT);
    }

    private CallRecord record() {
        return calls.find(callId).orElseThrow();
    }

    @Test
    void sendDtmfGetsItsResultOnlyOnceTheLastDigitHasBeenSent() {
        answer();
        agent.onEvent(sendDtmf("tc_1", "12#"));

        assertThat(phoneMedia().dtmf).hasSize(1);
        assertThat(phoneMedia().dtmf.getFirst().getKey()).isEqualTo("12#");
        assertThat(conversation.toolResults).as("the digits are still being played").isEmpty();

        phoneMedia().dtmf.getFirst().getValue().complete(null);

        assertThat(conversation.toolResults).containsExactly(
                new CallTestDoubles.Conversation.ToolResult("tc_1", "Sent the keypad tones 12#.", false));
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("source", "tool")
                .containsEntry("tool", "send_dtmf").containsEntry("digits", "12#").containsEntry("via", "rfc4733")
                .containsEntry("outcome", "sent"));
    }

    @Test
    void withoutTelephoneEventTheDigitsGoBySipInfoWithTheirPauses() {
        phoneMedia().telephoneEvent = false;
        answer();
        agent.onEvent(sendDtmf("tc_2", "4w5"));

        await(() -> !conversation.toolResults.isEmpty());
        assertThat(sip.dialed.getFirst().call().infoDigits).hasToString("45");
        assertThat(conversation.toolResults.getFirst().isError()).isFalse();
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("via", "sip_info"));
    }

    @Test
    void theSystemToolPressesTheKeysAndIsOwedNoResult() {
        answer();
        agent.onEvent(new AgentEvent.ToolCall("play_keypad_touch_tone", "toolu_1", Map.of("dtmf_tones", "W9"),
                AgentEvent.ToolSource.SYSTEM));
        phoneMedia().dtmf.getFirst().getValue().complete(null);

        assertThat(phoneMedia().dtmf.getFirst().getKey()).isEqualTo("W9");
        assertThat(conversation.toolResults).isEmpty();
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("tool", "play_keypad_touch_tone")
                .containsEntry("outcome", "sent"));
    }

    @Test
    void badDigitsAnUnansweredCallAndAnUnknownToolGetErrorResults() {
        agent.onEvent(sendDtmf("tc_early", "1"));
        answer();
        agent.onEvent(sendDtmf("tc_bad", "12x"));
        agent.onEvent(sendDtmf("tc_type", List.of(1)));
        agent.onEvent(new AgentEvent.ToolCall("open_door", "tc_unknown", Map.of(), AgentEvent.ToolSource.CLIENT));

        assertThat(phoneMedia().dtmf).isEmpty();
        assertThat(conversation.toolResults).extracting(CallTestDoubles.Conversation.ToolResult::toolCallId)
                .containsExactly("tc_early", "tc_bad", "tc_type", "tc_unknown");
        assertThat(conversation.toolResults).allMatch(CallTestDoubles.Conversation.ToolResult::isError);
        assertThat(conversation.toolResults.getFirst().result()).contains("not answered");
        assertThat(conversation.toolResults.get(1).result()).contains("0-9, *, #");
        assertThat(conversation.toolResults.getLast().result()).contains("open_door");
    }

    @Test
    void digitsCutOffByTheEndOfTheCallAreReportedAsNotSent() {
        answer();
        agent.onEvent(sendDtmf("tc_3", "123"));
        phoneMedia().dtmf.getFirst().getValue().completeExceptionally(new CancellationException());

        assertThat(conversation.toolResults).containsExactly(new CallTestDoubles.Conversation.ToolResult("tc_3",
                "The keypad tones were not sent: the call ended first.", true));
    }

    @Test
    void anOperatorsKeysGoTheSameWayIncludingSipInfo() throws Exception {
        answer();
        calls.sendDtmf(callId, "5aw#");
        assertThat(phoneMedia().dtmf.getFirst().getKey()).isEqualTo("5Aw#");
        phoneMedia().dtmf.getFirst().getValue().complete(null);
        assertThat(record().events()).anySatisfy(e -> assertThat(e).containsEntry("source", "api")
                .containsEntry("digits", "5Aw#").containsEntry("via", "rfc4733").containsEntry("outcome", "sent"));

        phoneMedia().telephoneEvent = false;
        calls.sendDtmf(callId, "7");
        await(() -> record().events().stream().anyMatch(e -> "sip_info".equals(e.get("via"))));
        assertThat(sip.dialed.getFirst().call().infoDigits).hasToString("7");
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
