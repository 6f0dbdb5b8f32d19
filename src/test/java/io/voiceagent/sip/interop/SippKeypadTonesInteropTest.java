package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentEvent;
import io.voiceagent.call.CallRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code send_dtmf} tool end to end, against the call layer with real SIP and media and
 * sipp as the callee: with telephone-event offered the keys arrive as RFC 4733 events at the
 * phone's RTP socket; without it they arrive as SIP INFO {@code application/dtmf-relay}, checked
 * digit by digit by sipp. Each time the agent's result says the keys were sent.
 */
@Timeout(60)
@Tag("slow")
class SippKeypadTonesInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void keysOfferedTelephoneEventGoAsRfc4733EventsAndTheToolResultFollows() throws Exception {
        try (RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = callee("invite-answered-phone-rtp.xml", phone);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent)) {
            String id = answeredCall(service);

            agent.say(sendDtmf("tc_rtp", "1w9#"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);
            awaitKeys(phone, "19#");

            assertThat(result).isEqualTo(new ScriptedAgent.ToolResult("tc_rtp", "Sent the keypad tones 1w9#.", false));
            CallRecord ended = service.hangUp(sipp, id);
            assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("tool", "send_dtmf")
                    .containsEntry("via", "rfc4733").containsEntry("outcome", "sent"));
        }
    }

    @Test
    void withoutTelephoneEventTheKeysGoAsSipInfoAndTheToolResultFollows() throws Exception {
        try (RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = callee("invite-dtmf-info.xml", phone);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent)) {
            String id = answeredCall(service);

            agent.say(sendDtmf("tc_info", "4#"));
            ScriptedAgent.ToolResult result = agent.nextToolResult(WAIT);

            assertThat(result).isEqualTo(new ScriptedAgent.ToolResult("tc_info", "Sent the keypad tones 4#.", false));
            assertThat(phone.keys()).as("no RFC 4733 events were negotiated").isEmpty();
            CallRecord ended = service.hangUp(sipp, id);
            assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("via", "sip_info"));
        }
    }

    private final ScriptedAgent agent = new ScriptedAgent();

    private SippProcess callee(String scenario, RtpEndpoint phone) throws InterruptedException {
        return SippProcess.callee(scenario).key("phone_rtp_port", Integer.toString(phone.port())).start(dir);
    }

    private static AgentEvent.ToolCall sendDtmf(String id, String digits) {
        return new AgentEvent.ToolCall("send_dtmf", id, Map.of("digits", digits), AgentEvent.ToolSource.CLIENT);
    }

    private static String answeredCall(CallLayerUnderTest service) throws Exception {
        String id = service.dial();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (service.record(id).answeredAt().isEmpty()) {
            assertThat(System.nanoTime()).as("answered in time").isLessThan(deadline);
            Thread.sleep(20);
        }
        return id;
    }

    private static void awaitKeys(RtpEndpoint phone, String keys) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!phone.keys().equals(keys) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(phone.keys()).isEqualTo(keys);
    }
}
