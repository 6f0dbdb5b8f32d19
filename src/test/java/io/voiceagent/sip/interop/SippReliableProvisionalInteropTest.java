package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/** RFC 3262 against sipp playing an IMS-style callee: every reliable 18x is PRACKed, its SDP is the answer. */
@Timeout(60)
@Tag("slow")
class SippReliableProvisionalInteropTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final Pattern BYE_ANSWERED = Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*\\d+ BYE",
            Pattern.CASE_INSENSITIVE);

    @TempDir
    Path dir;

    @Test
    void reliable18xArePrackedOnceProcessedAndTheirSdpIsTheAnswer() throws Exception {
        try (SippProcess sipp = SippProcess.uas("invite-100rel.xml").calls(2).timeout(Duration.ofSeconds(40))
                .start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(sipp.port())) {
            agent.awaitRegistration(RegistrationStatus.State.REGISTERED, STEP);
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
