package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;
import static io.voiceagent.sip.interop.UserAgentUnderTest.STEP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/** RFC 3262 against sipp playing an IMS-style callee: every reliable 18x is PRACKed, its SDP is the answer. */
@Timeout(60)
@Tag("slow")
class SippReliableProvisionalInteropTest {


    @TempDir
    Path dir;

    @Test
    void reliable18xArePrackedOnceProcessedAndTheirSdpIsTheAnswer() throws Exception {
        try (SippProcess sipp = SippProcess.callee("invite-100rel.xml").start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.registered(sipp.port())) {
            CallEvents events = new CallEvents();
            SipCall call = agent.dial(SippOutboundCallInteropTest.NUMBER, events);

            SipCallEvent.Ringing progress = events.next(SipCallEvent.Ringing.class, STEP);
            assertThat(progress.statusCode()).isEqualTo(183);
            assertThat(progress.earlyMedia()).hasValueSatisfying(sdp -> assertThat(sdp.port())
                    .isEqualTo(sipp.mediaPort()));
            SipCallEvent.Ringing ringing = events.next(SipCallEvent.Ringing.class, STEP);
            assertThat(ringing.statusCode()).as("the copy of the 183 is not a second event").isEqualTo(180);
            SipCallEvent.Answered answered = events.next(SipCallEvent.Answered.class, STEP);
            assertThat(answered.remote().port()).as("the 183's SDP answers the 200 without one")
                    .isEqualTo(sipp.mediaPort());
            assertThat(agent.countMessages("out", Pattern.compile("^PRACK [\\s\\S]*RAck: 1 \\d+ INVITE")))
                    .as("PRACKs for RSeq 1 (the 183 and its copy)").isGreaterThanOrEqualTo(2);

            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, STEP);
            agent.close();
            // sipp checked Supported: 100rel on the INVITE and every RAck
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }
}
