package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.FailureCause;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/**
 * Outbound calls through sipp acting as the carrier's proxy and the callee: each scenario is one
 * call, plus the registration (its own Call-ID, so its own sipp call: {@code -m 2}). sipp checks
 * the messages it gets; the test checks the events the call layer would see.
 */
@Timeout(60)
@Tag("slow")
class SippOutboundCallInteropTest {

    static final String NUMBER = "79161234567";
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
    private static final Duration SIPP_FINISH = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private SippProcess callee(String scenario) throws InterruptedException {
        return SippProcess.callee(scenario).start(dir);
    }

    private static UserAgentUnderTest registeredAgent(SippProcess sipp) throws Exception {
        return UserAgentUnderTest.registered(sipp.port());
    }

    @Test
    void answersA407ChallengeThenHangsUpWithBye() throws Exception {
        try (SippProcess sipp = callee("invite-proxy-auth.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            SipCall call = agent.dial(NUMBER, events);

            SipCallEvent.Answered answered = events.nextSkippingRinging(SipCallEvent.Answered.class, EVENT_WAIT);
            assertThat(answered.remote().port()).isEqualTo(sipp.mediaPort());
            assertThat(answered.remote().firstSupportedCodec()).map(SessionDescription.Format::encoding)
                    .hasValue("PCMA");

            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, EVENT_WAIT);
            agent.close();
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }

    @Test
    void ringingThen486IsBusy() throws Exception {
        try (SippProcess sipp = callee("invite-busy.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            agent.dial(NUMBER, events);

            SipCallEvent.Ringing ringing = events.next(SipCallEvent.Ringing.class, EVENT_WAIT);
            assertThat(ringing.statusCode()).isEqualTo(180);
            assertThat(ringing.earlyMedia()).isEmpty();
            SipCallEvent.Failed failed = events.nextSkippingRinging(SipCallEvent.Failed.class, EVENT_WAIT);
            assertThat(failed.cause()).isEqualTo(FailureCause.BUSY);
            assertThat(failed.statusCode()).isEqualTo(486);

            agent.close();
            // sipp retransmits the 486 until our ACK arrives, then ends the call
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }

    @Test
    void a183WithSdpStartsEarlyMediaBeforeThe200() throws Exception {
        try (SippProcess sipp = callee("invite-early-media.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            SipCall call = agent.dial(NUMBER, events);

            SipCallEvent.Ringing progress = events.next(SipCallEvent.Ringing.class, EVENT_WAIT);
            assertThat(progress.statusCode()).isEqualTo(183);
            assertThat(progress.earlyMedia()).as("the 183's SDP").hasValueSatisfying(sdp -> {
                assertThat(sdp.address()).isEqualTo("127.0.0.1");
                assertThat(sdp.port()).isEqualTo(sipp.mediaPort());
                assertThat(sdp.firstSupportedCodec()).map(SessionDescription.Format::encoding).hasValue("PCMA");
                assertThat(sdp.telephoneEvent()).map(SessionDescription.Format::payloadType).hasValue(101);
            });
            SipCallEvent.Answered answered = events.next(SipCallEvent.Answered.class, EVENT_WAIT);
            assertThat(answered.remote().port()).isEqualTo(sipp.mediaPort());

            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, EVENT_WAIT);
            agent.close();
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }

    @Test
    void everyRetransmitted200IsAckedAgain() throws Exception {
        try (SippProcess sipp = callee("invite-ok-retransmitted.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            agent.dial(NUMBER, events);

            events.nextSkippingRinging(SipCallEvent.Answered.class, EVENT_WAIT);
            // sipp sends the 200 twice more, needs an ACK after them, then hangs up
            events.next(SipCallEvent.RemoteHangup.class, EVENT_WAIT);
            assertThat(events.all()).as("one Answered for three copies of the 200")
                    .filteredOn(SipCallEvent.Answered.class::isInstance).hasSize(1);
            Pattern invite200 = Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*\\d+ INVITE",
                    Pattern.CASE_INSENSITIVE);
            Pattern ack = Pattern.compile("^ACK ");
            assertThat(agent.countMessages("out", ack)).as("ACKs sent")
                    .isEqualTo(agent.countMessages("in", invite200)).isGreaterThanOrEqualTo(3);

            agent.close();
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }

    @Test
    void byeFromTheFarEndIsARemoteHangup() throws Exception {
        try (SippProcess sipp = callee("invite-remote-bye.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            agent.dial(NUMBER, events);

            events.nextSkippingRinging(SipCallEvent.Answered.class, EVENT_WAIT);
            events.next(SipCallEvent.RemoteHangup.class, EVENT_WAIT);

            agent.close();
            // sipp's BYE got our 200
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }

    @Test
    void aReInviteFromTheFarEndUpdatesMediaAndIsAnsweredWithOurSdp() throws Exception {
        try (SippProcess sipp = callee("invite-reinvite.xml");
             UserAgentUnderTest agent = registeredAgent(sipp)) {
            CallEvents events = new CallEvents();
            agent.dial(NUMBER, events);

            SipCallEvent.Answered answered = events.nextSkippingRinging(SipCallEvent.Answered.class, EVENT_WAIT);
            assertThat(answered.remote().port()).isEqualTo(sipp.mediaPort());
            SipCallEvent.MediaUpdated updated = events.next(SipCallEvent.MediaUpdated.class, EVENT_WAIT);
            assertThat(updated.remote().port()).as("the re-INVITE's new media port").isEqualTo(sipp.mediaPort() + 2);
            events.next(SipCallEvent.RemoteHangup.class, EVENT_WAIT);

            agent.close();
            // sipp checked that our 200 to the re-INVITE carries SDP
            sipp.assertAllCallsSucceeded(SIPP_FINISH);
        }
    }
}
