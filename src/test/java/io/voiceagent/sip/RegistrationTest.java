package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** REGISTER, refresh, challenge, backoff, NAT re-registration and unregister, in virtual time. */
class RegistrationTest {

    final FakeStack stack = new FakeStack(Duration.ofSeconds(60));
    final Registration registration = new Registration(stack, "reg-1@test");

    SipMessage.Request lastRegister() {
        return stack.lastRequest("REGISTER");
    }

    void answer(int status, String... headers) {
        SipMessage.Response r = FakeStack.answer(lastRegister(), status, "");
        for (int i = 0; i < headers.length; i += 2) {
            r = r.with(headers[i], headers[i + 1]);
        }
        stack.deliver(r);
    }

    @Test
    void registerCarriesOurContactAndRequestedExpiry() {
        registration.register();
        SipMessage.Request r = lastRegister();
        assertThat(r.uri()).isEqualTo("sip:sip.exolve.ru");
        assertThat(r.header("To")).contains("<sip:user1@sip.exolve.ru>");
        assertThat(r.header("Contact")).contains("<sip:user1@192.0.2.10:5070>");
        assertThat(r.header("Expires")).contains("3600");
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERING);
    }

    @Test
    void grantedExpiryIsRefreshedAtHalfTime() {
        registration.register();
        answer(200, "Contact", "<sip:user1@192.0.2.10:5070>;expires=600");
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
        assertThat(registration.status().expiresAt()).isPresent();
        stack.scheduler.advance(Duration.ofSeconds(299));
        assertThat(stack.count("REGISTER")).isEqualTo(1);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        assertThat(lastRegister().callId()).isEqualTo("reg-1@test");
        assertThat(lastRegister().cseq().number()).isEqualTo(2);
        // A refresh keeps the state REGISTERED while it is in flight.
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
    }

    @Test
    void challengeIsAnsweredAndStaleNonceIsNotAFailure() {
        registration.register();
        answer(401, "WWW-Authenticate", "Digest realm=\"sip.exolve.ru\", nonce=\"a\", qop=\"auth\"");
        assertThat(lastRegister().header("Authorization")).isPresent();
        answer(401, "WWW-Authenticate", "Digest realm=\"sip.exolve.ru\", nonce=\"b\", qop=\"auth\", stale=true");
        assertThat(stack.count("REGISTER")).isEqualTo(3);
        answer(200, "Expires", "3600");
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
    }

    @Test
    void rejectedCredentialsFailAndAreRetriedWithDoublingBackoff() {
        registration.register();
        answer(401, "WWW-Authenticate", "Digest realm=\"sip.exolve.ru\", nonce=\"a\"");
        answer(401, "WWW-Authenticate", "Digest realm=\"sip.exolve.ru\", nonce=\"b\"");
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.FAILED);
        assertThat(registration.status().detail()).hasValueSatisfying(d -> assertThat(d).contains("401"));
        stack.scheduler.advance(Duration.ofSeconds(31));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("REGISTER")).isEqualTo(3);
        answer(403);
        assertThat(registration.status().detail()).contains("403 R403");
        stack.scheduler.advance(Duration.ofSeconds(63));
        assertThat(stack.count("REGISTER")).isEqualTo(3);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("REGISTER")).isEqualTo(4);
    }

    @Test
    void silentRegistrarFailsAfterTimerF() {
        registration.register();
        stack.scheduler.advance(Duration.ofSeconds(33));
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.FAILED);
        assertThat(registration.status().detail()).contains("no response from the registrar");
    }

    @Test
    void natBindingSeenByTheRegistrarBecomesOurContact() {
        registration.register();
        SipMessage.Request first = lastRegister();
        SipMessage.Response ok = FakeStack.answer(first, 200, "").with("Expires", "3600");
        String via = Via.stampSource(first.headers().values("Via").get(0), "203.0.113.5", 40000);
        stack.deliver(ok.replacing("Via", via));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        assertThat(lastRegister().header("Contact")).contains("<sip:user1@203.0.113.5:40000>");
        assertThat(lastRegister().topVia().orElseThrow().host()).isEqualTo("203.0.113.5");
        SipMessage.Request second = lastRegister();
        stack.deliver(FakeStack.answer(second, 200, "").with("Expires", "3600")
                .replacing("Via", Via.stampSource(second.headers().values("Via").get(0), "203.0.113.5", 40000)));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
    }

    @Test
    void unregisterSendsExpiresZeroAndCompletesOnTheAnswer() {
        registration.register();
        answer(200, "Expires", "3600");
        CompletableFuture<Void> done = registration.unregister();
        assertThat(lastRegister().header("Expires")).contains("0");
        assertThat(done).isNotDone();
        answer(200);
        assertThat(done).isDone();
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.UNREGISTERED);
        stack.scheduler.advance(Duration.ofHours(1));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
    }

    @Test
    void a423WithMinExpiresIsRetriedAtOnceWithIt() {
        registration.register();
        answer(423, "Min-Expires", "7200");
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        assertThat(lastRegister().header("Expires")).contains("7200");
    }

    @Test
    void a423WithoutMinExpiresBacksOffInsteadOfLooping() {
        registration.register();
        answer(423);
        assertThat(stack.count("REGISTER")).as("no immediate retry").isEqualTo(1);
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.FAILED);
        assertThat(registration.status().detail()).hasValueSatisfying(d -> assertThat(d).contains("423"));
        stack.scheduler.advance(Duration.ofSeconds(32));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        // the same again: a longer pause, never a loop
        answer(423, "Min-Expires", "3600");
        stack.scheduler.advance(Duration.ofSeconds(63));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("REGISTER")).isEqualTo(3);
    }

    @Test
    void a200WithoutOurContactUsesTheNearestBindingsExpiry() {
        registration.register();
        answer(200, "Contact", "<sip:other@198.51.100.7:5060>;expires=3600",
                "Contact", "<sip:user1@192.0.2.10:5999>;expires=120",
                "Contact", "<sip:user1@198.51.100.8:5070>;expires=1800");
        assertThat(registration.status().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
        // same user and host, other port: 120 s, refreshed at 60 s
        stack.scheduler.advance(Duration.ofSeconds(59));
        assertThat(stack.count("REGISTER")).isEqualTo(1);
        stack.scheduler.advance(Duration.ofSeconds(1));
        assertThat(stack.count("REGISTER")).isEqualTo(2);
    }
}
