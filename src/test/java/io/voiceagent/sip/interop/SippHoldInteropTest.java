package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.HoldPeriod;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipp as the carrier puts an answered call on hold (re-INVITE with a=sendonly and c=0.0.0.0) and
 * resumes it, against the call layer with real SIP and real media: the answers say recvonly then
 * sendrecv (checked by sipp), our RTP stops during the hold and comes back after it, the hold
 * outlasts the RTP timeout without ending the call, and the record shows the hold period. The
 * phone's RTP is a socket of this test, which sends while the call is not held.
 */
@Timeout(60)
@Tag("slow")
class SippHoldInteropTest {

    private static final Duration RTP_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void theCalleeHoldsAndResumesAndOurAudioFollowsWithoutAMediaTimeout() throws Exception {
        try (RtpEndpoint phone = new RtpEndpoint("127.0.0.1");
             SippProcess sipp = SippProcess.callee("invite-hold-resume.xml")
                     .key("phone_rtp_port", Integer.toString(phone.port())).start(dir);
             CallLayerUnderTest service = new CallLayerUnderTest(sipp, dir.resolve("data"), RTP_TIMEOUT)) {
            String id = service.dial();
            phone.talk(() -> service.record(id).status().isFinal(), () -> service.rtpPort(id),
                    () -> service.record(id).answeredAt().isPresent() && !held(service.record(id)));
            CallRecord ended = service.awaitEnd(id);
            phone.awaitSilence();
            service.closeUserAgent();
            // sipp checked that our answers said recvonly, then sendrecv
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.ending().map(CallEnding::cause)).as("not media_timeout: " + ended).contains(EndCause.REMOTE_HANGUP);
            assertThat(ended.holds()).hasSize(1);
            HoldPeriod hold = ended.holds().get(0);
            Instant resumed = hold.end().orElseThrow();
            assertThat(Duration.between(hold.start(), resumed)).isGreaterThan(RTP_TIMEOUT);
            List<Instant> arrivals = phone.arrivals();
            assertThat(arrivals).as("RTP before the hold").anyMatch(at -> at.isBefore(hold.start()));
            assertThat(arrivals).as("RTP after the resume").anyMatch(at -> at.isAfter(resumed));
            // A packet of the tick that was running as the hold began may still arrive just after it.
            Instant settled = hold.start().plusMillis(100);
            assertThat(arrivals).as("no RTP during the hold").noneMatch(at -> at.isAfter(settled) && at.isBefore(resumed));
            @SuppressWarnings("unchecked")
            Map<String, Object> media = (Map<String, Object>) ended.toJson(Instant.now()).get("media");
            assertThat(media.get("rtp_rejected")).isEqualTo(Map.of("foreign_source", 0L, "learning", 0L, "malformed", 0L));
        }
    }

    private static boolean held(CallRecord call) {
        return !call.holds().isEmpty() && call.holds().get(call.holds().size() - 1).end().isEmpty();
    }
}
