package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.LOGIN;
import static io.voiceagent.sip.interop.UserAgentUnderTest.PASSWORD;
import static io.voiceagent.sip.interop.UserAgentUnderTest.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.sip.RegistrationStatus;

/** REGISTER against sipp acting as a registrar that challenges with 401 and checks the Digest. */
@Timeout(60)
@Tag("slow")
class SippRegistrarInteropTest {

    @TempDir
    Path dir;

    @Test
    void registersAfterA401ChallengeAndUnregistersOnClose() throws Exception {
        try (SippProcess registrar = SippProcess.uas("register-digest.xml")
                .key("auth_realm", REALM).key("auth_user", LOGIN).key("auth_password", PASSWORD)
                .timeout(Duration.ofSeconds(30))
                .start(dir)) {
            try (UserAgentUnderTest agent = UserAgentUnderTest.start(registrar.port())) {
                RegistrationStatus status = agent.awaitRegistration(RegistrationStatus.State.REGISTERED,
                        Duration.ofSeconds(10));
                assertThat(status.expiresAt()).as("expiry granted by the registrar's Expires: 3600")
                        .hasValueSatisfying(at -> assertThat(at).isBetween(
                                Instant.now().plusSeconds(3000), Instant.now().plusSeconds(3601)));
            }
            // the scenario ends with the unregister (expires 0) that close() sends
            registrar.assertAllCallsSucceeded(Duration.ofSeconds(10));
        }
    }

    @Test
    void aDigestTheRegistrarCannotVerifyEndsInAFailedRegistration() throws Exception {
        try (SippProcess registrar = SippProcess.uas("register-digest.xml")
                .key("auth_realm", REALM).key("auth_user", LOGIN).key("auth_password", "not-" + PASSWORD)
                .timeout(Duration.ofSeconds(30))
                .start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(registrar.port())) {
            RegistrationStatus status = agent.awaitRegistration(RegistrationStatus.State.FAILED,
                    Duration.ofSeconds(10));
            assertThat(status.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("403"));
        }
    }

    @Test
    void a423WithoutMinExpiresIsAFailureWithBackoffNotALoop() throws Exception {
        try (SippProcess registrar = SippProcess.uas("register-423.xml").timeout(Duration.ofSeconds(30)).start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(registrar.port())) {
            RegistrationStatus status = agent.awaitRegistration(RegistrationStatus.State.FAILED,
                    Duration.ofSeconds(10));
            assertThat(status.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("423"));
            assertThat(agent.countMessages("out", java.util.regex.Pattern.compile("CSeq:\\s*2 REGISTER")))
                    .as("no second REGISTER at once: the backoff").isZero();
            registrar.assertAllCallsSucceeded(Duration.ofSeconds(10));
        }
    }
}
