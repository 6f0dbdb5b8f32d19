package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.RegistrationStatus;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/**
 * sipp drops 10% of the messages it sends and receives ({@code -lost 10}): registration and every
 * call still complete, carried by our retransmissions (Timers A and E), our ACK of every
 * retransmitted 200, and our BYE retransmitted until answered.
 */
@Timeout(180)
@Tag("slow")
class SippPacketLossInteropTest {

    private static final int CALLS = 8;
    /** Timer B is 32 s; a call that needs longer than this under 10% loss has a real problem. */
    private static final Duration CALL_STEP = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void everyCallCompletesDespiteTenPercentLoss() throws Exception {
        try (SippProcess sipp = SippProcess.callee("invite-answered.xml")
                .calls(CALLS + 1)
                .lostPercent(10)
                .timeout(Duration.ofSeconds(150))
                .start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(sipp.port())) {
            agent.awaitRegistration(RegistrationStatus.State.REGISTERED, CALL_STEP);
            for (int n = 1; n <= CALLS; n++) {
                CallEvents events = new CallEvents();
                SipCall call = agent.dial(SippOutboundCallInteropTest.NUMBER, events);
                events.nextSkippingRinging(SipCallEvent.Answered.class, CALL_STEP);
                call.hangup();
                agent.awaitMessages("in", BYE_ANSWERED, n, CALL_STEP);
            }
            agent.close();
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(30));
            assertThat(sipp.messagesLost()).as("messages sipp dropped" + sipp.report()).isPositive();
        }
    }
}
