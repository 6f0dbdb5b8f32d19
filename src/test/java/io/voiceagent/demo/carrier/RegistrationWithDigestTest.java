package io.voiceagent.demo.carrier;

import io.voiceagent.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RegistrationWithDigestTest {

    private DemoCarrier carrier;
    private TestUa ua;

    @BeforeEach
    void start() throws Exception {
        carrier = DemoCarrier.start(testOptions());
        ua = new TestUa(carrier.port());
    }

    @AfterEach
    void stop() {
        ua.close();
        carrier.close();
    }

    static DemoCarrierOptions testOptions() {
        return DemoCarrierOptions.defaults("alice", Secret.of("s3cret"),
                        new DemoCarrierOptions.CallerPhrase(TestAudio.speechLike(400)))
                .withRingTime(Duration.ofMillis(100))
                .withTimers(new DemoCarrierOptions.Timers(Duration.ofMillis(100), Duration.ofMillis(400)));
    }

    private String register(String callId, int cseq, String branch, String authorization) {
        return "REGISTER sip:demo.voiceagent.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.port + ";rport;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "To: <sip:alice@demo.voiceagent.local>\r\n"
                + "From: <sip:alice@demo.voiceagent.local>;tag=456248\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + ua.port + ">\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Expires: 3600\r\n"
                + TestUa.contentLength("");
    }

    @Test
    void registerIsChallengedThenAcceptedWithTheRightPassword() throws Exception {
        ua.send(register("843817637684230@998sdasdh09", 1826, TestUa.newBranch(), null));
        String challenge = ua.receive();
        assertThat(challenge).startsWith("SIP/2.0 401 Unauthorized\r\n");
        String via = TestUa.header(challenge, "Via");
        assertThat(via).contains("rport=" + ua.port).contains("received=127.0.0.1");
        assertThat(TestUa.header(challenge, "To")).contains(";tag=");
        assertThat(TestUa.header(challenge, "CSeq")).isEqualTo("1826 REGISTER");
        assertThat(TestUa.header(challenge, "Content-Length")).isEqualTo("0");
        String wwwAuthenticate = TestUa.header(challenge, "WWW-Authenticate");
        assertThat(wwwAuthenticate).startsWith("Digest ").contains("realm=\"demo.voiceagent.local\"")
                .contains("qop=\"auth\"").contains("algorithm=MD5").contains("opaque=\"").contains("nonce=\"");
        assertThat(carrier.registeredContact()).isEmpty();

        String authorization = TestUa.authorization(wwwAuthenticate, "alice", "s3cret", "REGISTER",
                "sip:demo.voiceagent.local");
        ua.send(register("843817637684230@998sdasdh09", 1827, TestUa.newBranch(), authorization));
        String ok = ua.receive();

        assertThat(ok).startsWith("SIP/2.0 200 OK\r\n");
        assertThat(TestUa.header(ok, "Contact")).contains("<sip:alice@127.0.0.1:" + ua.port + ">").contains("expires=3600");
        assertThat(TestUa.header(ok, "Expires")).isEqualTo("3600");
        assertThat(carrier.registeredContact()).contains("sip:alice@127.0.0.1:" + ua.port);
    }

    @Test
    void wrongPasswordIsChallengedOnceThenForbidden() throws Exception {
        String callId = "wrong-password@test";
        ua.send(register(callId, 1, TestUa.newBranch(), null));
        String challenge = TestUa.header(ua.receive(), "WWW-Authenticate");

        ua.send(register(callId, 2, TestUa.newBranch(),
                TestUa.authorization(challenge, "alice", "guess", "REGISTER", "sip:demo.voiceagent.local")));
        String second = ua.receive();
        assertThat(second).startsWith("SIP/2.0 401 ");

        ua.send(register(callId, 3, TestUa.newBranch(), TestUa.authorization(
                TestUa.header(second, "WWW-Authenticate"), "alice", "guess", "REGISTER", "sip:demo.voiceagent.local")));
        assertThat(ua.receive()).startsWith("SIP/2.0 403 Forbidden\r\n");
        assertThat(carrier.registeredContact()).isEmpty();
    }

    @Test
    void aRetransmittedRegisterIsAnsweredFromItsTransaction() throws Exception {
        String request = register("retransmit@test", 1, TestUa.newBranch(), null);
        ua.send(request);
        String first = ua.receive();
        ua.send(request);
        String again = ua.receive();

        assertThat(again).isEqualTo(first); // same nonce, same tag: not processed twice
    }

    @Test
    void unregisterRemovesTheBinding() throws Exception {
        ua.send(register("unregister@test", 1, TestUa.newBranch(), null));
        String challenge = TestUa.header(ua.receive(), "WWW-Authenticate");
        ua.send(register("unregister@test", 2, TestUa.newBranch(),
                TestUa.authorization(challenge, "alice", "s3cret", "REGISTER", "sip:demo.voiceagent.local")));
        assertThat(ua.receive()).startsWith("SIP/2.0 200 ");
        assertThat(carrier.registeredContact()).isPresent();

        ua.send(register("unregister@test", 3, TestUa.newBranch(),
                TestUa.authorization(challenge, "alice", "s3cret", "REGISTER", "sip:demo.voiceagent.local"))
                .replace("Expires: 3600", "Expires: 0"));

        assertThat(ua.receive()).startsWith("SIP/2.0 200 ");
        assertThat(carrier.registeredContact()).isEmpty();
    }
}
