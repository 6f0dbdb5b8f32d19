package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.BYE_ANSWERED;
import static io.voiceagent.sip.interop.UserAgentUnderTest.LOGIN;
import static io.voiceagent.sip.interop.UserAgentUnderTest.PASSWORD;
import static io.voiceagent.sip.interop.UserAgentUnderTest.REALM;
import static io.voiceagent.sip.interop.UserAgentUnderTest.STEP;
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

/**
 * Registration and a call through kamailio as registrar and proxy, which verifies our Digest
 * responses itself (401 for REGISTER, 407 for INVITE, qop=auth) and relays the INVITE to a sipp
 * callee; ACK and BYE come back through it by its Record-Route.
 */
@Timeout(90)
@Tag("slow")
class KamailioInteropTest {


    @TempDir
    Path dir;

    @Test
    void registersAndCallsThroughKamailioWithDigestAuth() throws Exception {
        try (SippProcess callee = SippProcess.uas("invite-answered.xml").timeout(Duration.ofSeconds(60)).start(dir);
             KamailioProcess kamailio = KamailioProcess.start(dir, REALM, PASSWORD, callee.port());
             UserAgentUnderTest agent = UserAgentUnderTest.start(kamailio.port())) {
            RegistrationStatus status = agent.awaitRegistration(RegistrationStatus.State.REGISTERED, STEP);
            assertThat(status.expiresAt()).isPresent();
            assertThat(agent.countMessages("in", Pattern.compile("^SIP/2\\.0 401 ")))
                    .as("kamailio's 401 challenge" + kamailio.log()).isPositive();

            CallEvents events = new CallEvents();
            SipCall call = agent.dial(SippOutboundCallInteropTest.NUMBER, events);
            SipCallEvent.Answered answered = events.nextSkippingRinging(SipCallEvent.Answered.class, STEP);
            assertThat(answered.remote().port()).isEqualTo(callee.mediaPort());
            assertThat(agent.countMessages("in", Pattern.compile("^SIP/2\\.0 407 ")))
                    .as("kamailio's 407 challenge" + kamailio.log()).isPositive();

            call.hangup();
            agent.awaitMessage("in", BYE_ANSWERED, STEP);
            agent.close();
            callee.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }

    @Test
    void kamailioRejectsAWrongPasswordAndRegistrationFails() throws Exception {
        try (SippProcess callee = SippProcess.uas("invite-answered.xml").timeout(Duration.ofSeconds(60)).start(dir);
             KamailioProcess kamailio = KamailioProcess.start(dir, REALM, "not-" + PASSWORD, callee.port());
             UserAgentUnderTest agent = UserAgentUnderTest.start(kamailio.port(), LOGIN, PASSWORD)) {
            RegistrationStatus status = agent.awaitRegistration(RegistrationStatus.State.FAILED, STEP);
            assertThat(status.detail()).as(kamailio.log()).hasValueSatisfying(d -> assertThat(d).contains("401"));
        }
    }
}
