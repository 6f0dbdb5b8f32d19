package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.STEP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.text.MessageFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.voiceagent.config.AddressBlock;
import io.voiceagent.sip.InboundCallHandler;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallEvent;

/**
 * The inbound leg of Exolve's HTTP mode as carriers send it, with sipp as the caller: through a
 * record-routing kamailio, with a delayed offer, and with a Require we lack.
 */
@Timeout(60)
@Tag("slow")
class SippInboundCallInteropTest {

    private static final int OUR_RTP_PORT = 40_002;

    @TempDir
    Path dir;

    /** Accepts every INVITE with an answer on {@link #OUR_RTP_PORT}; remembers the call. */
    private static final class Acceptor implements InboundCallHandler {
        final CallEvents events = new CallEvents();
        volatile SipCall call;

        @Override
        public Optional<Acceptance> onInvite(InboundInvite invite) {
            call = invite.call();
            return invite.offer().answerWith("127.0.0.1", OUR_RTP_PORT, 77)
                    .map(answer -> new Acceptance("c_interop", answer, events));
        }
    }

    @Test
    void behindARecordRoutingProxyOur200CopiesRecordRouteAndAckAndByeFollowTheRoute() throws Exception {
        try (KamailioProcess kamailio = KamailioProcess.start(dir, UserAgentUnderTest.REALM,
                UserAgentUnderTest.PASSWORD, LoopbackPorts.freeUdpPort());
             UserAgentUnderTest agent = UserAgentUnderTest.registered(kamailio.port())) {
            Acceptor acceptor = new Acceptor();
            agent.agent().setInboundHandler(acceptor);
            try (SippProcess caller = SippProcess.client("inbound-record-routed.xml", kamailio.port())
                    .service(UserAgentUnderTest.LOGIN).timeout(Duration.ofSeconds(30)).start(dir)) {
                SipCallEvent.Answered answered = acceptor.events.next(SipCallEvent.Answered.class, STEP);
                assertThat(answered.remote().port()).isEqualTo(caller.mediaPort());
                String ok = agent.messages("out", Pattern.compile("^SIP/2\\.0 200[\\s\\S]*CSeq:\\s*1 INVITE"))
                        .getFirst();
                assertThat(ok).as("our 200 copies kamailio's Record-Route" + kamailio.log())
                        .containsPattern("(?i)Record-Route: <sip:127\\.0\\.0\\.1:" + kamailio.port());

                acceptor.call.hangup();
                // sipp got our BYE through kamailio (loose_route) and answered it
                caller.assertAllCallsSucceeded(Duration.ofSeconds(15));
                assertThat(agent.messages("out", Pattern.compile("^BYE ")).getFirst())
                        .containsPattern("(?i)Route: <sip:127\\.0\\.0\\.1:" + kamailio.port());
            }
        }
    }

    @Test
    void aDelayedOfferGetsOurOfferInThe200AndTheAnswerFromTheAck() throws Exception {
        // The carrier is on 127.0.0.1 (trusted as SIP_SERVER's address); registration is not the point here.
        try (UserAgentUnderTest agent = UserAgentUnderTest.start(LoopbackPorts.freeUdpPort())) {
            Acceptor acceptor = new Acceptor();
            agent.agent().setInboundHandler(acceptor);
            SippProcess caller = SippProcess.client("inbound-delayed-offer.xml", agent.port())
                    .service(UserAgentUnderTest.LOGIN).timeout(Duration.ofSeconds(30)).start(dir);
            try (caller) {
                // sipp checks that our 200 offers SDP with PCMA
                caller.assertAllCallsSucceeded(Duration.ofSeconds(15));
            }
            SipCallEvent.Answered answered = acceptor.events.next(SipCallEvent.Answered.class, STEP);
            assertThat(answered.remote().port()).as("the ACK's answer").isEqualTo(caller.mediaPort());
            assertThat(answered.remote().firstSupportedCodec()).map(SessionDescription.Format::encoding)
                    .hasValue("PCMA");
            acceptor.events.next(SipCallEvent.RemoteHangup.class, STEP);
        }
    }

    @Test
    void anInviteRequiringAnExtensionWeLackGets420NamingIt() throws Exception {
        // The carrier is on 127.0.0.1 (trusted as SIP_SERVER's address); registration is not the point here.
        try (UserAgentUnderTest agent = UserAgentUnderTest.start(LoopbackPorts.freeUdpPort())) {
            Acceptor acceptor = new Acceptor();
            agent.agent().setInboundHandler(acceptor);
            SippProcess caller = SippProcess.client("inbound-require-unknown.xml", agent.port())
                    .service(UserAgentUnderTest.LOGIN).timeout(Duration.ofSeconds(30)).start(dir);
            try (caller) {
                // sipp checks the 420 and that Unsupported names only "precondition"
                caller.assertAllCallsSucceeded(Duration.ofSeconds(15));
            }
            assertThat(acceptor.call).as("the handler never saw the INVITE").isNull();
        }
    }

    @Test
    void anInviteFromATrustedPeerIsAnsweredAndOneFromElsewhereRefusedAndLogged() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("io.voiceagent.sip.TrustedPeers");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        // SIP_SERVER is 127.0.0.1; SIP_TRUSTED_PEERS adds a second SBC, 127.0.0.2
        try (UserAgentUnderTest agent = UserAgentUnderTest.start(LoopbackPorts.freeUdpPort(),
                List.of(AddressBlock.parse("127.0.0.2/32")))) {
            Acceptor acceptor = new Acceptor();
            agent.agent().setInboundHandler(acceptor);
            try (SippProcess sbc = SippProcess.client("inbound-delayed-offer.xml", agent.port()).address("127.0.0.2")
                    .service(UserAgentUnderTest.LOGIN).timeout(Duration.ofSeconds(30)).start(dir)) {
                sbc.assertAllCallsSucceeded(Duration.ofSeconds(15));
            }
            acceptor.events.next(SipCallEvent.Answered.class, STEP);

            try (SippProcess stranger = SippProcess.client("inbound-refused.xml", agent.port()).address("127.0.0.3")
                    .service(UserAgentUnderTest.LOGIN).timeout(Duration.ofSeconds(30)).start(dir)) {
                // sipp checks the 403
                stranger.assertAllCallsSucceeded(Duration.ofSeconds(15));
            }
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("INVITE").contains("127.0.0.3")
                    .contains("SIP_TRUSTED_PEERS"));
        } finally {
            log.removeHandler(handler);
        }
    }
}
