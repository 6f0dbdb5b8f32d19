package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration and calls over real UDP on loopback against a fake registrar/proxy written from RFC 3261. */
class LoopbackCallTest {

    static final SipTimers FAST = new SipTimers(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(500),
            Duration.ofSeconds(25));
    static final String PEER_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

    FakeSipPeer peer;
    UdpSipUserAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        peer = new FakeSipPeer();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            Thread answerer = Thread.ofVirtual().start(this::acceptUnregister);
            agent.close();
            answerer.join(Duration.ofSeconds(6));
        }
        peer.close();
    }

    /** Answers the Expires: 0 REGISTER that close() sends, so that tests end quickly. */
    private void acceptUnregister() {
        try {
            FakeSipPeer.Received r = peer.await(m -> m.isRequest() && m.method().equals("REGISTER")
                    && m.header("Expires").equals("0"), "unregister");
            peer.respond(r, 200, "OK", Optional.of("reg"), List.of("Expires: 0"), "");
        } catch (Exception | AssertionError e) {
            // no unregister came (agent never registered): nothing to answer
        }
    }

    static Config.Sip config(int serverPort, Duration ringTimeout) {
        return TestConfigs.sip("s3cret", "127.0.0.1", serverPort, 0, 0, ringTimeout);
    }

    void startAgent(Duration ringTimeout) throws Exception {
        agent = new UdpSipUserAgent(config(peer.port(), ringTimeout), FAST, Clock.systemUTC(), new SplittableRandom(7));
        agent.start();
    }

    void acceptRegistration() throws Exception {
        FakeSipPeer.Received register = peer.awaitRequest("REGISTER");
        peer.respond(register, 200, "OK", Optional.of("reg"), List.of("Expires: 3600"), "");
        awaitRegistered();
    }

    void awaitRegistered() throws InterruptedException {
        for (int i = 0; i < 100 && agent.registration().state() != RegistrationStatus.State.REGISTERED; i++) {
            Thread.sleep(20);
        }
        assertThat(agent.registration().state()).isEqualTo(RegistrationStatus.State.REGISTERED);
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String param(String header, String name) {
        Matcher m = Pattern.compile(name + "=(\"([^\"]*)\"|([^,\\s]+))").matcher(header);
        assertThat(m.find()).as(name + " in " + header).isTrue();
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    @Test
    void registersWithDigestAfterA401Challenge() throws Exception {
        startAgent(Duration.ofSeconds(30));
        FakeSipPeer.Received first = peer.awaitRequest("REGISTER");
        assertThat(first.header("Authorization")).isEmpty();
        assertThat(first.header("Via")).contains(";rport").contains("branch=z9hG4bK");
        peer.respond(first, 401, "Unauthorized", Optional.of("reg"),
                List.of("WWW-Authenticate: Digest realm=\"sip.exolve.ru\", nonce=\"n0nce\", qop=\"auth\", "
                        + "algorithm=MD5, opaque=\"op4que\""), "");
        FakeSipPeer.Received second = peer.await(r -> r.isRequest() && r.method().equals("REGISTER")
                && !r.header("Authorization").isEmpty(), "an authorized REGISTER");
        assertThat(second.header("Call-ID")).isEqualTo(first.header("Call-ID"));
        assertThat(second.cseqNumber()).isGreaterThan(first.cseqNumber());
        String auth = second.header("Authorization");
        String ha1 = md5("user1:sip.exolve.ru:s3cret");
        String ha2 = md5("REGISTER:" + param(auth, "uri"));
        String expected = md5(ha1 + ":n0nce:" + param(auth, "nc") + ":" + param(auth, "cnonce") + ":auth:" + ha2);
        assertThat(param(auth, "response")).isEqualTo(expected);
        assertThat(param(auth, "opaque")).isEqualTo("op4que");
        assertThat(param(auth, "nc")).isEqualTo("00000001");
        peer.respond(second, 200, "OK", Optional.of("reg"), List.of("Expires: 3600"), "");
        awaitRegistered();
        assertThat(agent.registration().expiresAt()).isPresent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) agent.debugSnapshot().get("messages");
        assertThat(messages).isNotEmpty();
        assertThat(messages.toString()).doesNotContain(param(auth, "response")).contains("Authorization: ****");
    }

    @Test
    void outboundCallIsAnsweredThenTheFarEndHangsUp() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        SipCall call = agent.dial("c_test", "79161234567", SessionDescription.offer("127.0.0.1", 30000, 1), events);

        FakeSipPeer.Received invite = peer.awaitRequest("INVITE");
        assertThat(invite.requestUri()).isEqualTo("sip:79161234567@sip.exolve.ru");
        assertThat(invite.header("Call-ID")).isEqualTo(call.callId());
        assertThat(invite.body()).contains("m=audio 30000 RTP/AVP 0 8 101");
        peer.respond(invite, 100, "Trying", Optional.empty(), List.of(), "");
        peer.respond(invite, 180, "Ringing");
        assertThat(events.next(SipCallEvent.Ringing.class).statusCode()).isEqualTo(180);
        peer.respond(invite, 200, "OK", Optional.of("peer1"),
                List.of("Contact: <sip:gw@127.0.0.1:" + peer.port() + ">"), PEER_SDP);
        FakeSipPeer.Received ack = peer.awaitRequest("ACK");
        assertThat(ack.cseqNumber()).isEqualTo(invite.cseqNumber());
        assertThat(ack.header("To")).contains("tag=peer1");
        assertThat(ack.requestUri()).isEqualTo("sip:gw@127.0.0.1:" + peer.port());
        SipCallEvent.Answered answered = events.next(SipCallEvent.Answered.class);
        assertThat(answered.remote().port()).isEqualTo(40000);
        assertThat(answered.remote().firstSupportedCodec()).contains(SessionDescription.PCMA);

        String bye = "BYE " + sipUri(invite.header("Contact")) + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bKpeerbye1\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + invite.header("To") + ";tag=peer1\r\n"
                + "To: " + invite.header("From") + "\r\n"
                + "Call-ID: " + invite.header("Call-ID") + "\r\n"
                + "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n";
        peer.send(bye, localAgent(invite));
        peer.awaitResponse("BYE", 200);
        events.next(SipCallEvent.RemoteHangup.class);
        call.hangup();
        assertThat(sentUntilAMarkerIsAnswered()).noneMatch(r -> r.isRequest() && r.method().equals("BYE"));
    }

    @Test
    void lostInviteAndLostAckAreRecoveredByRetransmission() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        agent.dial("c_test", "79161234567", SessionDescription.offer("127.0.0.1", 30000, 1), events);
        FakeSipPeer.Received first = peer.awaitRequest("INVITE");
        // Pretend the first INVITE was lost: answer only its Timer A retransmission.
        FakeSipPeer.Received again = peer.awaitRequest("INVITE");
        assertThat(again.branch()).isEqualTo(first.branch());
        assertThat(again.cseqNumber()).isEqualTo(first.cseqNumber());
        peer.respond(again, 200, "OK", Optional.of("peer1"),
                List.of("Contact: <sip:gw@127.0.0.1:" + peer.port() + ">"), PEER_SDP);
        FakeSipPeer.Received ack = peer.awaitRequest("ACK");
        // Pretend that ACK was lost too: our 200 goes again and is ACKed again.
        peer.respond(again, 200, "OK", Optional.of("peer1"),
                List.of("Contact: <sip:gw@127.0.0.1:" + peer.port() + ">"), PEER_SDP);
        FakeSipPeer.Received ackAgain = peer.awaitRequest("ACK");
        assertThat(ackAgain.text()).isEqualTo(ack.text());
        events.next(SipCallEvent.Answered.class);
        sentUntilAMarkerIsAnswered();
        assertThat(events.poll(0)).as("the retransmitted 200 answers the call once").isNull();
    }

    @Test
    void outboundCallHungUpByUsSendsBye() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        SipCall call = agent.dial("c_test", "79161234567", SessionDescription.offer("127.0.0.1", 30000, 1), events);
        FakeSipPeer.Received invite = peer.awaitRequest("INVITE");
        peer.respond(invite, 200, "OK", Optional.of("peer1"),
                List.of("Contact: <sip:gw@127.0.0.1:" + peer.port() + ">"), PEER_SDP);
        peer.awaitRequest("ACK");
        events.next(SipCallEvent.Answered.class);

        call.hangup();
        call.hangup();
        FakeSipPeer.Received bye = peer.awaitRequest("BYE");
        assertThat(bye.header("To")).contains("tag=peer1");
        assertThat(bye.cseqNumber()).isGreaterThan(invite.cseqNumber());
        peer.respond(bye, 200, "OK");
        assertThat(sentUntilAMarkerIsAnswered()).noneMatch(r -> r.isRequest() && r.method().equals("BYE")
                && !r.branch().equals(bye.branch()));
        assertThat(events.poll(0)).isNull();
    }

    @Test
    void inboundInviteFromTheRegistrarIsAnsweredAndConfirmedByAck() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        java.util.concurrent.atomic.AtomicReference<InboundCallHandler.InboundInvite> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        agent.setInboundHandler(invite -> {
            seen.set(invite);
            return Optional.of(new InboundCallHandler.Acceptance("c_in",
                    SessionDescription.offer("127.0.0.1", 30002, 5), events));
        });
        java.net.InetSocketAddress target = new java.net.InetSocketAddress("127.0.0.1", agentPort());
        String invite = inboundInvite("inb-1@peer", "z9hG4bKinb1", peer.port());
        peer.send(invite, target);
        FakeSipPeer.Received ok = peer.awaitResponse("INVITE", 200);
        assertThat(ok.body()).contains("m=audio 30002");
        assertThat(ok.header("To")).contains(";tag=");
        assertThat(seen.get().from()).isEqualTo("79160000001");
        assertThat(seen.get().to()).isEqualTo("user1");
        assertThat(seen.get().assertedIdentity()).contains("79160000002");
        // No ACK yet: the 200 is retransmitted (RFC 3261 §13.3.1.4).
        FakeSipPeer.Received again = peer.awaitResponse("INVITE", 200);
        assertThat(again.header("To")).isEqualTo(ok.header("To"));
        peer.send("ACK sip:user1@127.0.0.1:" + agentPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bKinbACK\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:79160000001@sip.exolve.ru>;tag=caller\r\n"
                + "To: " + ok.header("To") + "\r\nCall-ID: inb-1@peer\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
                target);
        SipCallEvent.Answered answered = events.next(SipCallEvent.Answered.class);
        assertThat(answered.remote().port()).isEqualTo(40000);
        // That the ACK stops the 200's retransmissions is shown on a fake clock:
        // TransactionTest.serverInviteFinalIsRetransmittedUntilAck.
        seen.get().call().hangup();
        FakeSipPeer.Received bye = peer.awaitRequest("BYE");
        assertThat(bye.header("Call-ID")).isEqualTo("inb-1@peer");
        assertThat(bye.header("From")).isEqualTo(ok.header("To"));
    }

    @Test
    void inboundInviteNobodyExpectsGets480() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        agent.setInboundHandler(invite -> Optional.empty());
        peer.send(inboundInvite("inb-2@peer", "z9hG4bKinb2", peer.port()),
                new java.net.InetSocketAddress("127.0.0.1", agentPort()));
        peer.awaitResponse("INVITE", 480);
    }

    @Test
    void inviteFromAnotherHostThanTheRegistrarGets403() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        agent.setInboundHandler(invite -> {
            throw new AssertionError("the handler must not see a stranger's INVITE");
        });
        try (FakeSipPeer stranger = new FakeSipPeer(java.net.InetAddress.getByName("127.0.0.2"))) {
            stranger.send(inboundInvite("inb-3@x", "z9hG4bKinb3", stranger.port()),
                    new java.net.InetSocketAddress("127.0.0.1", agentPort()));
            stranger.awaitResponse("INVITE", 403);
        }
    }

    @Test
    void malformedRequestIsAnswered400AndGarbageIsDropped() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        java.net.InetSocketAddress target = new java.net.InetSocketAddress("127.0.0.1", agentPort());
        peer.send("this is not SIP\r\n\r\n", target);
        peer.send("OPTIONS sip:user1@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bKbad1\r\n"
                + "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:user1@127.0.0.1>\r\nCall-ID: bad1\r\n"
                + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", target);
        FakeSipPeer.Received bad = peer.await(r -> !r.isRequest(), "a response");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.header("Call-ID")).isEqualTo("bad1");
        // The agent is still alive afterwards.
        sendOptions(target, "z9hG4bKopt1");
        peer.awaitResponse("OPTIONS", 200);
    }

    @Test
    void dialFailsWithoutNetworkWhenNumberIsUnusableOrAgentNotRunning() throws Exception {
        RecordingListener notRunning = new RecordingListener();
        new UdpSipUserAgent(config(peer.port(), Duration.ofSeconds(30)), FAST, Clock.systemUTC(), new SplittableRandom(1))
                .dial("c_test", "79161234567", SessionDescription.offer("127.0.0.1", 30000, 1), notRunning);
        assertThat(notRunning.next(SipCallEvent.Failed.class).cause()).isEqualTo(FailureCause.NETWORK);
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        agent.dial("c_test", "7916 123<x>", SessionDescription.offer("127.0.0.1", 30000, 1), events);
        assertThat(events.next(SipCallEvent.Failed.class).cause()).isEqualTo(FailureCause.INVALID_NUMBER);
        assertThat(sentUntilAMarkerIsAnswered()).noneMatch(r -> r.isRequest() && r.method().equals("INVITE"));
    }

    @Test
    void optionsIsAnsweredWithAllowAndAccept() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        sendOptions(new java.net.InetSocketAddress("127.0.0.1", agentPort()), "z9hG4bKopt2");
        FakeSipPeer.Received ok = peer.awaitResponse("OPTIONS", 200);
        // RFC 3581: the request asked for rport, so the response says where it came from.
        assertThat(ok.header("Via")).contains("branch=z9hG4bKopt2", "received=127.0.0.1", "rport=" + peer.port());
        assertThat(ok.header("Allow")).contains("INVITE", "BYE", "CANCEL", "OPTIONS", "INFO", "UPDATE");
        assertThat(ok.header("Accept")).contains("application/sdp");
    }

    @Test
    void retransmittedByeIsAnsweredAgainButEndsTheCallOnce() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        RecordingListener events = new RecordingListener();
        agent.dial("c_test", "79161234567", SessionDescription.offer("127.0.0.1", 30000, 1), events);
        FakeSipPeer.Received invite = peer.awaitRequest("INVITE");
        peer.respond(invite, 200, "OK", Optional.of("peer1"),
                List.of("Contact: <sip:gw@127.0.0.1:" + peer.port() + ">"), PEER_SDP);
        peer.awaitRequest("ACK");
        events.next(SipCallEvent.Answered.class);
        String bye = "BYE " + sipUri(invite.header("Contact")) + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bKpeerbye2\r\n"
                + "Max-Forwards: 70\r\nFrom: " + invite.header("To") + ";tag=peer1\r\n"
                + "To: " + invite.header("From") + "\r\nCall-ID: " + invite.header("Call-ID") + "\r\n"
                + "CSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n";
        peer.send(bye, localAgent(invite));
        peer.awaitResponse("BYE", 200);
        peer.send(bye, localAgent(invite));
        peer.awaitResponse("BYE", 200);
        events.next(SipCallEvent.RemoteHangup.class);
        sentUntilAMarkerIsAnswered();
        assertThat(events.poll(0)).as("one ending for two BYEs").isNull();
    }

    @Test
    void requestInAnUnknownDialogGets481() throws Exception {
        startAgent(Duration.ofSeconds(30));
        acceptRegistration();
        peer.send("BYE sip:user1@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bKnodialog\r\n"
                + "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:user1@127.0.0.1>;tag=2\r\nCall-ID: nodialog\r\n"
                + "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n", new java.net.InetSocketAddress("127.0.0.1", agentPort()));
        peer.awaitResponse("BYE", 481);
    }

    @Test
    void keepAlivesGoToTheRegistrarAndCloseUnregisters() throws Exception {
        agent = new UdpSipUserAgent(config(peer.port(), Duration.ofSeconds(30)),
                new SipTimers(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(500), Duration.ofMillis(100)),
                Clock.systemUTC(), new SplittableRandom(9));
        agent.start();
        acceptRegistration();
        for (int i = 0; i < 250 && peer.keepAlives() < 2; i++) {
            Thread.sleep(20);
        }
        assertThat(peer.keepAlives()).isGreaterThanOrEqualTo(2);
        Thread answerer = Thread.ofVirtual().start(this::acceptUnregister);
        agent.close();
        answerer.join(Duration.ofSeconds(2));
        assertThat(agent.registration().state()).isEqualTo(RegistrationStatus.State.UNREGISTERED);
        agent = null;
    }

    void sendOptions(java.net.InetSocketAddress target, String branch) throws Exception {
        peer.send("OPTIONS sip:user1@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";rport;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:user1@127.0.0.1>\r\n"
                + "Call-ID: " + branch + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", target);
    }

    /**
     * What the agent sent until it answered an OPTIONS sent now. It handles messages, timers and hangups
     * one at a time on one executor, so once this OPTIONS is answered everything before it has been
     * handled: whatever that made it send or tell its listener has happened. Waiting for this marker
     * replaces sleeping and hoping nothing more comes.
     */
    List<FakeSipPeer.Received> sentUntilAMarkerIsAnswered() throws Exception {
        String branch = "z9hG4bKmarker" + System.nanoTime();
        sendOptions(new java.net.InetSocketAddress("127.0.0.1", agentPort()), branch);
        List<FakeSipPeer.Received> before = new java.util.ArrayList<>();
        peer.await(r -> {
            boolean marker = !r.isRequest() && r.cseqMethod().equals("OPTIONS") && r.header("Via").contains(branch);
            if (!marker) {
                before.add(r);
            }
            return marker;
        }, "the answer to the marker OPTIONS");
        return before;
    }

    int agentPort() {
        String advertised = (String) agent.debugSnapshot().get("advertised");
        return Integer.parseInt(advertised.substring(advertised.lastIndexOf(':') + 1));
    }

    static String inboundInvite(String callId, String branch, int fromPort) {
        return "INVITE sip:user1@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + fromPort + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:79160000001@sip.exolve.ru>;tag=caller\r\n"
                + "To: <sip:user1@sip.exolve.ru>\r\n"
                + "P-Asserted-Identity: <sip:79160000002@sip.exolve.ru>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:gw@127.0.0.1:" + fromPort + ">\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + PEER_SDP.length() + "\r\n\r\n" + PEER_SDP;
    }

    static String sipUri(String contact) {
        int lt = contact.indexOf('<');
        return lt < 0 ? contact : contact.substring(lt + 1, contact.indexOf('>'));
    }

    /** Where the agent listens: the Contact of its INVITE (host and port). */
    static java.net.InetSocketAddress localAgent(FakeSipPeer.Received invite) {
        String uri = sipUri(invite.header("Contact"));
        String hostPort = uri.substring(uri.indexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        return new java.net.InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
