package io.voiceagent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.webhooks.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call live when the service stopped (a crash, a kill) is ended at the next start as {@code failed},
 * {@code service_restart}, and its webhooks go out like any call's: the receiver learns how it ended.
 */
@Tag("slow")
class InterruptedCallWebhooksTest {
    private static final String SECRET = "whsec_interrupted_0123456789";

    @Test
    @SuppressWarnings("unchecked")
    void aCallLiveAtACrashGetsItsEndedWebhookAtTheNextStart(@TempDir Path dataDir) throws Exception {
        Instant before = Instant.now().minusSeconds(60);
        CallRecord answered = CallRecord.dialing("c_crashed", CallMode.SIP, TestCalls.request("+79990001122"), before)
                .withStatus(CallStatus.RINGING, before.plusSeconds(1))
                .withStatus(CallStatus.ANSWERED, before.plusSeconds(3));
        Files.writeString(dataDir.resolve("calls.jsonl"),
                JSON.std.asString(answered.toJson(before)) + "\n", StandardCharsets.UTF_8);

        try (WebhookReceiver receiver = new WebhookReceiver(SECRET, Clock.systemUTC());
             Module module = Module.start(ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 1_000, Map.of(
                     "CALLBACK_URL", receiver.url().toString(), "CALLBACK_SECRET", SECRET))))) {
            List<WebhookReceiver.Received> events = List.of(receiver.next(), receiver.next(), receiver.next());

            assertThat(events).extracting(WebhookReceiver.Received::type)
                    .containsExactly("call.ringing", "call.answered", "call.ended");
            assertThat(events).allMatch(e -> e.body().get("call_id").equals("c_crashed"))
                    .allMatch(WebhookReceiver.Received::signatureValid);
            Map<String, Object> record = (Map<String, Object>) events.get(2).body().get("data");
            assertThat(record).containsEntry("status", "failed").containsEntry("hangup_cause", "service_restart");
        }
    }
}
