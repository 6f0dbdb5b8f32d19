package io.voiceagent.app.exolve;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One audio leg that the Exolve peer originated: the UAC side of an INVITE dialog (RFC 3261 §13.2,
 * §17.1.1 with Timer A retransmissions), the ACK for its final answer, BYE in either direction, and
 * the phone ({@link PeerPhone}) that talks on it once the call is up.
 */
public final class PeerCall implements AutoCloseable {
    private static final Duration TIMER_T1 = Duration.ofMillis(500);
    private static final Duration TIMER_B = TIMER_T1.multipliedBy(64);

    private final ExolveSipPeer peer;
    private final ExolveSipPeer.Binding binding;
    private final String callId = ExolveSipPeer.token() + "@exolve.test";
    private final String from;
    private final String to;
    private final String assertedIdentity;
    private final PeerPhone phone;
    private final List<Integer> provisional = new CopyOnWriteArrayList<>();
    private final CompletableFuture<SipText> finalResponse = new CompletableFuture<>();
    private final CompletableFuture<SipText> byeReceived = new CompletableFuture<>();
    private final CompletableFuture<SipText> byeAnswered = new CompletableFuture<>();
    private volatile SipText invite;
    private volatile SipText lastAck;
    private volatile InetSocketAddress ackTarget;
    private volatile String remoteTo;
    private volatile String remoteTargetUri;

    PeerCall(ExolveSipPeer peer, ExolveSipPeer.Binding binding, String sourceNumber, String dialedNumber)
            throws java.io.IOException {
        this.peer = peer;
        this.binding = binding;
        this.from = "<sip:" + Objects.requireNonNull(sourceNumber, "sourceNumber") + "@" + peer.domain() + ">;tag="
                + ExolveSipPeer.token();
        this.to = "<" + binding.addressOfRecord() + ">";
        this.assertedIdentity = "<sip:" + Objects.requireNonNull(dialedNumber, "dialedNumber") + "@" + peer.domain()
                + ">";
        this.phone = new PeerPhone();
    }

    public String callId() {
        return callId;
    }

    void sendInvite() {
        invite = SipText.request("INVITE", binding.contactUri())
                .with("Via", peer.newVia())
                .with("Max-Forwards", "70")
                .with("From", from)
                .with("To", to)
                .with("Call-ID", callId)
                .with("CSeq", "1 INVITE")
                .with("Contact", "<sip:exolve@" + peer.serverAddress() + ">")
                .with("P-Asserted-Identity", assertedIdentity)
                .with("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")
                .withBody("application/sdp", offer());
        peer.send(invite, binding.source());
        Thread.ofVirtual().name("exolve-invite-timer-a").start(this::retransmitInvite);
    }

    /** RFC 3261 §17.1.1.2: Timer A doubles from T1 until a response arrives or Timer B fires. */
    private void retransmitInvite() {
        Duration interval = TIMER_T1;
        long deadline = System.nanoTime() + TIMER_B.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            if (!provisional.isEmpty() || finalResponse.isDone()) {
                return;
            }
            peer.send(invite, binding.source());
            interval = interval.multipliedBy(2);
        }
    }

    /** PCMA and telephone-event (RFC 4733) on the phone's own RTP port. */
    private String offer() {
        long session = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        return "v=0\r\n"
                + "o=exolve " + session + " " + session + " IN IP4 127.0.0.1\r\n"
                + "s=exolve\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + phone.localPort() + " RTP/AVP " + PeerPhone.PCMA + " 101\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
    }

    void onResponse(SipText response) {
        switch (response.cseqMethod()) {
            case "INVITE" -> onInviteResponse(response);
            case "BYE" -> byeAnswered.complete(response);
            default -> { }
        }
    }

    private void onInviteResponse(SipText response) {
        int status = response.status();
        if (status < 200) {
            provisional.add(status);
            return;
        }
        if (finalResponse.isDone()) {
            // A retransmitted final answer: our ACK was lost (RFC 3261 §13.2.2.4, §17.1.1.3).
            if (lastAck != null) {
                peer.send(lastAck, ackTarget);
            }
            return;
        }
        remoteTo = response.header("To").orElse(to);
        if (status < 300) {
            remoteTargetUri = SipText.uri(response.header("Contact").orElse("<" + binding.contactUri() + ">"));
            ackTarget = hostPort(remoteTargetUri).orElse(binding.source());
            lastAck = inDialog("ACK", remoteTargetUri, 1).with("Via", peer.newVia());
            peer.send(lastAck, ackTarget);
            answerMedia(response.body()).ifPresent(phone::startSending);
        } else {
            // §17.1.1.3: the ACK of a failure belongs to the INVITE transaction, so it reuses its branch.
            ackTarget = binding.source();
            lastAck = SipText.request("ACK", invite.requestUri())
                    .with("Via", invite.header("Via").orElseThrow())
                    .with("Max-Forwards", "70")
                    .with("From", from)
                    .with("To", remoteTo)
                    .with("Call-ID", callId)
                    .with("CSeq", "1 ACK");
            peer.send(lastAck, ackTarget);
            peer.forget(this);
        }
        finalResponse.complete(response);
    }

    private SipText inDialog(String method, String requestUri, long cseq) {
        return SipText.request(method, requestUri)
                .with("Max-Forwards", "70")
                .with("From", from)
                .with("To", remoteTo)
                .with("Call-ID", callId)
                .with("CSeq", cseq + " " + method);
    }

    void onRequest(SipText request, InetSocketAddress source) {
        if (request.method().equals("BYE")) {
            peer.send(request.respond(200, "OK"), source);
            phone.close();
            byeReceived.complete(request);
            peer.forget(this);
        } else {
            // Session refreshes (RFC 4028) and INFO need no more than a 200 from a phone like this.
            peer.send(request.respond(200, "OK"), source);
        }
    }

    /** The c= address and m=audio port of the service's SDP answer. */
    private static Optional<InetSocketAddress> answerMedia(String sdp) {
        String address = null;
        int port = -1;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ")) {
                address = line.substring("c=IN IP4 ".length()).strip();
            } else if (line.startsWith("m=audio ")) {
                port = Integer.parseInt(line.split(" ")[1]);
            }
        }
        return address == null || port <= 0 ? Optional.empty() : Optional.of(new InetSocketAddress(address, port));
    }

    private static Optional<InetSocketAddress> hostPort(String sipUri) {
        String rest = sipUri.replaceFirst("^sips?:", "");
        rest = rest.substring(rest.indexOf('@') + 1).split(";", 2)[0];
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            return Optional.of(new InetSocketAddress(rest, 5060));
        }
        return Optional.of(new InetSocketAddress(rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1))));
    }

    /** The INVITE's final response (the service's 200 with its SDP answer, or a rejection). */
    public SipText awaitFinalResponse(Duration timeout) throws Exception {
        return ExolveSipPeer.await(finalResponse, timeout, "final response to the INVITE");
    }

    /** The BYE the service sent, already answered 200. */
    public SipText awaitBye(Duration timeout) throws Exception {
        return ExolveSipPeer.await(byeReceived, timeout, "BYE from the service");
    }

    public boolean byeReceived() {
        return byeReceived.isDone();
    }

    /** Hangs up from the phone's side and waits for the service's answer to the BYE. */
    public SipText hangup(Duration timeout) throws Exception {
        SipText bye = inDialog("BYE", remoteTargetUri, 2).with("Via", peer.newVia());
        peer.send(bye, ackTarget);
        SipText answer = ExolveSipPeer.await(byeAnswered, timeout, "answer to our BYE");
        phone.close();
        peer.forget(this);
        return answer;
    }

    public List<Integer> provisionalStatuses() {
        return List.copyOf(provisional);
    }

    public PeerPhone phone() {
        return phone;
    }

    @Override
    public void close() {
        phone.close();
        peer.forget(this);
    }
}
