package io.voiceagent.app.exolve;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exolve's SIP side as our service sees it in HTTP mode: the registrar it registers with
 * (SIP_SERVER), which also originates the call's audio leg, an INVITE to the registered Contact,
 * sent from the registrar's own address as a real registrar-proxy would. Written from RFC 3261
 * (§10.3 registrar, §17 transactions, §13 INVITE dialogs) and RFC 3581 (rport); no Digest here,
 * that exchange is tested against the user agent elsewhere.
 */
public final class ExolveSipPeer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExolveSipPeer.class.getName());
    private final String domain;
    private final DatagramSocket socket;
    private final Thread receiver;
    private final Map<String, PeerCall> calls = new ConcurrentHashMap<>();
    private final CompletableFuture<Binding> firstBinding = new CompletableFuture<>();
    private final AtomicInteger registers = new AtomicInteger();
    private final AtomicInteger keepAlives = new AtomicInteger();
    private volatile boolean running = true;

    /** A registered Contact: where the user agent wants its calls, and where its packets come from. */
    public record Binding(String addressOfRecord, String contactUri, InetSocketAddress source) {
    }

    private ExolveSipPeer(String domain, DatagramSocket socket) {
        this.domain = domain;
        this.socket = socket;
        this.receiver = Thread.ofVirtual().name("exolve-sip-peer").start(this::receiveLoop);
    }

    /** Listens on an ephemeral loopback UDP port; {@code domain} is the SIP domain of its URIs. */
    public static ExolveSipPeer start(String domain) throws IOException {
        Objects.requireNonNull(domain, "domain");
        return new ExolveSipPeer(domain, new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    /** The value for SIP_SERVER. */
    public String serverAddress() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    String domain() {
        return domain;
    }

    /** The binding of the first successful registration. */
    public Binding awaitRegistration(Duration timeout) throws Exception {
        return await(firstBinding, timeout, "REGISTER from the user agent");
    }

    public int registers() {
        return registers.get();
    }

    public int keepAlives() {
        return keepAlives.get();
    }

    /**
     * Places the audio leg of an Exolve call toward the registered user agent: From the Exolve source
     * number, To our SIP user, P-Asserted-Identity the number Exolve dialed. The INVITE carries a
     * PCMA + telephone-event offer for the returned call's own RTP socket.
     */
    public PeerCall originate(String sourceNumber, String dialedNumber) throws Exception {
        Binding registered = awaitRegistration(Duration.ofSeconds(5));
        PeerCall call = new PeerCall(this, registered, sourceNumber, dialedNumber);
        calls.put(call.callId(), call);
        call.sendInvite();
        return call;
    }

    void send(SipText message, InetSocketAddress target) {
        byte[] bytes = message.toBytes();
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, target));
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException("cannot send " + message + " to " + target, e);
            }
        }
    }

    /** A Via for a new client transaction from this peer (RFC 3261 §8.1.1.7: the magic cookie branch). */
    String newVia() {
        return "SIP/2.0/UDP " + serverAddress() + ";branch=z9hG4bK" + token() + ";rport";
    }

    static String token() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private void receiveLoop() {
        byte[] buffer = new byte[65_535];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                continue;
            }
            InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
            if (new String(packet.getData(), 0, packet.getLength()).isBlank()) {
                keepAlives.incrementAndGet();
                continue;
            }
            try {
                SipText.parse(packet.getData(), packet.getLength()).ifPresent(message -> dispatch(message, source));
            } catch (RuntimeException e) {
                // One bad message must not silence the peer for the rest of the test run.
                LOG.log(System.Logger.Level.WARNING, "Exolve SIP peer could not handle a message from " + source, e);
            }
        }
    }

    private void dispatch(SipText message, InetSocketAddress source) {
        PeerCall call = calls.get(message.callId());
        if (!message.isRequest()) {
            if (call != null) {
                call.onResponse(message);
            }
            return;
        }
        SipText request = stampSource(message, source);
        switch (request.method()) {
            case "REGISTER" -> onRegister(request, source);
            case "OPTIONS" -> send(request.respond(200, "OK").with("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"), source);
            case "ACK" -> { }
            default -> {
                if (call != null) {
                    call.onRequest(request, source);
                } else {
                    send(request.respond(481, "Call/Transaction Does Not Exist"), source);
                }
            }
        }
    }

    /** RFC 3581 §4: the top Via gets received= and rport= so the response finds the sender. */
    private static SipText stampSource(SipText request, InetSocketAddress source) {
        var vias = request.allHeaders("Via");
        if (vias.isEmpty()) {
            return request;
        }
        String top = vias.getFirst();
        if (SipText.param(top, "rport").isPresent()) {
            top = top.replaceFirst(";\\s*rport(=[0-9]*)?", ";rport=" + source.getPort());
        }
        top += ";received=" + source.getAddress().getHostAddress();
        SipText stamped = request.replacing("Via", top);
        for (int i = 1; i < vias.size(); i++) {
            stamped = stamped.with("Via", vias.get(i));
        }
        return stamped;
    }

    /** RFC 3261 §10.3: accept the binding and echo it with the granted expiry. */
    private void onRegister(SipText request, InetSocketAddress source) {
        registers.incrementAndGet();
        String contact = request.header("Contact").orElse("");
        int expires = SipText.param(contact.substring(Math.max(0, contact.lastIndexOf('>'))), "expires")
                .or(() -> request.header("Expires")).map(v -> Integer.parseInt(v.strip())).orElse(3600);
        String toTag = SipText.tag(request.header("To").orElse("")).isPresent() ? "" : ";tag=" + token();
        SipText ok = request.respond(200, "OK").replacing("To", request.header("To").orElse("") + toTag);
        if (expires > 0 && !contact.isEmpty()) {
            ok = ok.with("Contact", "<" + SipText.uri(contact) + ">;expires=" + expires);
            firstBinding.complete(new Binding(SipText.uri(request.header("To").orElse("")), SipText.uri(contact),
                    source));
        }
        send(ok, source);
    }

    void forget(PeerCall call) {
        calls.remove(call.callId(), call);
    }

    @Override
    public void close() {
        running = false;
        for (PeerCall call : calls.values()) {
            call.close();
        }
        socket.close();
        try {
            receiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static <T> T await(CompletableFuture<T> future, Duration timeout, String what) throws Exception {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
