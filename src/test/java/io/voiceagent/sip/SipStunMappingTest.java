package io.voiceagent.sip;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.stun.StunResponder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where our public address comes from when SIP_PUBLIC_IP is unset: STUN over the SIP socket before
 * the first REGISTER (RFC 5389, its answer told apart from SIP on the same socket by RFC 7983), or
 * the registrar's received/rport (RFC 3581); either way the SDP address follows.
 */
class SipStunMappingTest {
    private FakeSipPeer registrar;
    private StunResponder stun;
    private UdpSipUserAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        registrar = new FakeSipPeer();
        // Stands in for a port-changing NAT: local port p is seen outside as 203.0.113.7:(p + 7).
        stun = StunResponder.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                source -> new InetSocketAddress("203.0.113.7", source.getPort() + 7));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            Thread answerer = Thread.ofVirtual().start(() -> {
                try {
                    FakeSipPeer.Received r = registrar.await(m -> m.isRequest() && m.method().equals("REGISTER")
                            && m.header("Expires").equals("0"), "unregister");
                    registrar.respond(r, 200, "OK", Optional.of("reg"), List.of("Expires: 0"), "");
                } catch (Exception | AssertionError e) {
                    // never registered: nothing to answer
                }
            });
            agent.close();
            answerer.join(Duration.ofSeconds(6));
        }
        stun.close();
        registrar.close();
    }

    private void start(Optional<Config.StunServer> stunServer) throws Exception {
        agent = new UdpSipUserAgent(new Config.Sip("user1", Secret.of("s3cret"), "sip.exolve.ru", "127.0.0.1",
                registrar.port(), 0, 0, Optional.empty(), 3600, Duration.ofSeconds(30), List.of(), stunServer),
                LoopbackCallTest.FAST, Clock.systemUTC(), new SplittableRandom(11));
        agent.start();
    }

    @Test
    void theFirstRegisterAlreadyCarriesTheAddressAndPortStunReported() throws Exception {
        start(Optional.of(new Config.StunServer("127.0.0.1", stun.address().getPort())));

        FakeSipPeer.Received register = registrar.awaitRequest("REGISTER");
        int localPort = register.from().getPort();
        String mapped = "203.0.113.7:" + (localPort + 7);
        assertThat(register.header("Contact")).contains("@" + mapped);
        assertThat(register.header("Via")).contains(mapped);
        assertThat(stun.answered()).extracting(InetSocketAddress::getPort).containsExactly(localPort);

        registrar.respond(register, 200, "OK", Optional.of("reg"), List.of("Expires: 3600"), "");
        assertThat(agent.sdpEndpoint(10_002, Optional.empty())).isEqualTo(new SdpEndpoint("203.0.113.7", 10_002));
        assertThat(agent.addressWarning()).isEmpty();
        assertThat(agent.debugSnapshot()).containsEntry("advertised", mapped);
    }

    @Test
    void withoutStunTheRegistrarsReceivedAddressGoesIntoTheSdp() throws Exception {
        start(Optional.empty());

        FakeSipPeer.Received first = registrar.awaitRequest("REGISTER");
        String via = first.header("Via").replace(";rport", ";received=198.51.100.9;rport=41000");
        registrar.send("SIP/2.0 200 OK\r\nVia: " + via + "\r\nFrom: " + first.header("From") + "\r\nTo: "
                + first.header("To") + ";tag=reg\r\nCall-ID: " + first.header("Call-ID") + "\r\nCSeq: "
                + first.header("CSeq") + "\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n", first.from());
        FakeSipPeer.Received second = registrar.await(r -> r.isRequest() && r.method().equals("REGISTER")
                && r.header("Contact").contains("198.51.100.9:41000"), "a REGISTER with the learned Contact");

        assertThat(second.header("Contact")).contains("@198.51.100.9:41000");
        assertThat(agent.mediaAddress()).isEqualTo("198.51.100.9");
        assertThat(agent.sdpEndpoint(10_002, Optional.empty())).isEqualTo(new SdpEndpoint("198.51.100.9", 10_002));
    }
}
