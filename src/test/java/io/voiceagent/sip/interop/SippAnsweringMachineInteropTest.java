package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.CallStatus;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.media.SpeechRecordings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMD=local end to end: sipp answers, and the phone's RTP socket plays an espeak-ng recording as
 * PCMA through our real media path (latching, jitter buffer, conversion to the agent's μ-law): a
 * machine's long greeting ends the call as voicemail with our BYE (checked by sipp); a person's
 * "Hello?" lets the call go on.
 */
@Timeout(60)
@Tag("slow")
class SippAnsweringMachineInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Config.Tools AMD_HANGUP = TestConfigs.tools(Config.VoicemailAction.HANGUP,
            new Config.Amd(true, 2500, 1500, 800, 3500, 100, 50, 5000, 3, 256));

    @TempDir
    Path dir;

    private final ScriptedAgent agent = new ScriptedAgent();

    @Test
    void aMachineGreetingOverRtpEndsTheCallAsVoicemail() throws Exception {
        short[] greeting = new SpeechRecordings(dir).speech("machine", "en-us", 160, "Hello, you have reached the "
                + "voicemail of Anna Petrova. Please leave a message after the tone.", true, 2);
        try (RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = callee(phone);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, AMD_HANGUP)) {
            String id = service.dial();
            phone.play(greeting, () -> service.record(id).status().isFinal(), () -> service.rtpPort(id));

            CallRecord ended = service.awaitEnd(id);
            phone.awaitSilence();
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.status()).isEqualTo(CallStatus.VOICEMAIL);
            assertThat(ended.ending().map(CallEnding::cause)).contains(EndCause.ANSWERING_MACHINE);
            assertThat(ended.events()).anySatisfy(e -> assertThat(e).containsEntry("type", "amd")
                    .containsEntry("result", "machine"));
        }
    }

    @Test
    void aPersonsHelloOverRtpIsHumanAndTheCallGoesOn() throws Exception {
        short[] hello = new SpeechRecordings(dir).speech("human", "en-us", 160, "Hello?", false, 4);
        try (RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = callee(phone);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), WAIT, agent, AMD_HANGUP)) {
            String id = service.dial();
            phone.play(hello, () -> service.record(id).status().isFinal(), () -> service.rtpPort(id));

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (service.record(id).events().stream().noneMatch(e -> "amd".equals(e.get("type")))) {
                assertThat(System.nanoTime()).as("an AMD verdict in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(service.record(id).events()).anySatisfy(e -> assertThat(e).containsEntry("type", "amd")
                    .containsEntry("result", "human"));
            assertThat(service.record(id).status()).isEqualTo(CallStatus.ANSWERED);
            service.calls.hangup(id);
            service.awaitEnd(id);
            phone.awaitSilence();
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }

    private SippProcess callee(RtpEndpoint phone) throws InterruptedException {
        return SippProcess.callee("invite-answered-phone-rtp.xml")
                .key("phone_rtp_port", Integer.toString(phone.port())).start(dir);
    }
}
