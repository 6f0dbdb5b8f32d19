package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.EndCause;
import io.voiceagent.media.MediaStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipp as the carrier sends early media from a ringback server (another host) and answers from the
 * phone, while a stranger on a third host sprays our whole RTP port range from the first ring to
 * the hangup; the call layer runs with real SIP and real media. The answered media wins, the call
 * outlives the RTP timeout (the old bug: it ended as media_timeout), and the stranger gets nothing.
 */
@Timeout(60)
@Tag("slow")
class SippStrictRtpInteropTest {

    private static final Duration RTP_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void earlyMediaFromOneHostThenTheAnswerFromAnotherWhileAStrangerSpraysTheRange() throws Exception {
        try (RtpEndpoint ringback = new RtpEndpoint("127.0.0.9");
             RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             RtpEndpoint stranger = new RtpEndpoint("127.0.0.66");
             SippProcess sipp = SippProcess.callee("invite-early-media-elsewhere.xml")
                     .key("ringback_ip", ringback.ip()).key("ringback_port", Integer.toString(ringback.port()))
                     .key("phone_ip", phone.ip()).key("phone_port", Integer.toString(phone.port())).start(dir);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), RTP_TIMEOUT)) {
            String id = service.dial();
            // The ringback server plays from the 183 to the end of the call, the phone talks once answered.
            ringback.talk(() -> service.record(id).status().isFinal(), () -> service.rtpPort(id), () -> true);
            phone.talk(() -> service.record(id).status().isFinal(), () -> service.rtpPort(id),
                    () -> service.record(id).answeredAt().isPresent());
            int[] spray = {0};
            stranger.talk(() -> service.record(id).status().isFinal(),
                    () -> Optional.of(service.rtpPortMin + 2 * (spray[0]++ % ((service.rtpPortMax - service.rtpPortMin) / 2))),
                    () -> true);
            CallRecord ended = service.awaitEnd(id);
            service.closeUserAgent();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.ending().map(CallEnding::cause)).as("not media_timeout: " + ended).contains(EndCause.REMOTE_HANGUP);
            Instant answered = ended.answeredAt().orElseThrow();
            assertThat(ringback.arrivals()).as("early media went to the ringback server").isNotEmpty()
                    .allMatch(at -> at.isBefore(answered.plusMillis(100)));
            assertThat(phone.arrivals()).as("the answered media goes to the phone").isNotEmpty()
                    .allMatch(at -> at.isAfter(answered.minusMillis(100)));
            assertThat(stranger.arrivals()).as("the stranger hears nothing").isEmpty();
            MediaStats.Rejected rejected = ended.media().rejected();
            assertThat(rejected.foreignSource()).as("the ringback server after the answer, the stranger throughout")
                    .isGreaterThan(10);
            assertThat(rejected.malformed()).isZero();
        }
    }
}
