package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;
import static io.voiceagent.sip.interop.UserAgentUnderTest.STEP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/** RFC 4028 with us as the refresher (the carrier's 200 says refresher=uac), against sipp. */
@Timeout(90)
@Tag("slow")
class SippSessionRefreshInteropTest {


    @TempDir
    Path dir;

    private SippProcess callee(String scenario) throws InterruptedException {
        return SippProcess.callee(scenario).timeout(Duration.ofSeconds(60)).start(dir);
    }

    @Test
    void theRefreshCarriesTheTimerAndSurvivesA491AndA407() throws Exception {
        try (SippProcess sipp = callee("invite-session-refresh.xml");
             UserAgentUnderTest agent = UserAgentUnderTest.registered(sipp.port())) {
            CallEvents events = new CallEvents();
            SipCall call = agent.dial(SippOutboundCallInteropTest.NUMBER, events);
            events.nextSkippingRinging(SipCallEvent.Answered.class, STEP);

            // the refresh is due 15 s after the answer, the retries within 4 s of it
            Pattern refresh200 = Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*4 INVITE");
            agent.awaitMessage("in", refresh200, Duration.ofSeconds(30));
            List<String> refreshes = agent.messages("out", Pattern.compile("^INVITE [\\s\\S]*To: [^\\r\\n]*tag="));
            assertThat(refreshes).hasSize(3);
            Instant refused = at(agent, "in", Pattern.compile("^SIP/2\\.0 491"));
            Instant retried = at(agent, "out", Pattern.compile("^INVITE [\\s\\S]*CSeq:\\s*3 INVITE"));
            // the upper end (4 s) is checked in virtual time by SessionRefresherTest
            assertThat(Duration.between(refused, retried)).as("RFC 3261 §14.1 pause after 491")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2100));
            assertThat(events.all()).noneMatch(e -> e instanceof SipCallEvent.SessionRefreshFailed
                    || e instanceof SipCallEvent.RemoteHangup);

            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, STEP);
            agent.close();
            // sipp checked Session-Expires, Min-SE, the unchanged o= line and Proxy-Authorization
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }

    @Test
    void aRefreshThatCannotSucceedBeforeExpiryEndsTheCallWithBye() throws Exception {
        try (SippProcess sipp = callee("invite-session-refresh-refused.xml");
             UserAgentUnderTest agent = UserAgentUnderTest.registered(sipp.port())) {
            CallEvents events = new CallEvents();
            agent.dial(SippOutboundCallInteropTest.NUMBER, events);
            events.nextSkippingRinging(SipCallEvent.Answered.class, STEP);

            SipCallEvent.SessionRefreshFailed failed = events.next(SipCallEvent.SessionRefreshFailed.class, STEP);
            assertThat(failed.reason()).contains("500");
            agent.awaitMessage("in", BYE_ANSWERED, STEP);
            agent.close();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }

    /** When the first logged message in {@code direction} matching {@code pattern} was logged. */
    private static Instant at(UserAgentUnderTest agent, String direction, Pattern pattern) {
        return agent.messageTimes(direction, pattern).getFirst();
    }
}
