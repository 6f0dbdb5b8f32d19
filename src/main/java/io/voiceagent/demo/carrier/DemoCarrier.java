package io.voiceagent.demo.carrier;

import io.voiceagent.demo.carrier.DemoNumbers.Outcome;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The demo network's carrier: a SIP registrar and proxy on loopback UDP that plays the part of
 * Exolve for the service, with simulated phones behind it. It is an independent implementation of
 * the carrier's side of RFC 3261 (transactions answered once and retransmissions answered from
 * them, final INVITE responses retransmitted until ACK), Digest auth (RFC 2617), SDP answers
 * (RFC 4566) and RTP (RFC 3550). What each dialled number does is in {@link DemoNumbers}.
 *
 * <p>Wiring the demo: start it, then point the service's SIP settings at it.
 * <pre>{@code
 * Secret password = Secret.of(randomPassword);
 * DemoCarrier carrier = DemoCarrier.start(DemoCarrierOptions.defaults("demo", password));
 * Config demo = config.withDemoNetwork(carrier.host(), carrier.port(), "demo", password, ...);
 * }</pre>
 * The benchmark turns recording off ({@link DemoCarrierOptions#withRecordAudio}) and collects each
 * phone's figures through {@link #onPhoneEnded}.
 *
 * <p>Thread-safe. One virtual thread reads the SIP socket and one platform thread runs the SIP
 * timers; for all the phones together, one thread sends RTP ({@link PacingClock}) and one reads it
 * ({@link RtpReceiver}).
 */
public final class DemoCarrier implements AutoCloseable {
    /** The thread that reads and timestamps every phone's RTP: the benchmark raises its priority. */
    public static final String RTP_RECEIVER_THREAD = "demo-carrier-rtp-receiver";

    private static final System.Logger LOG = System.getLogger(DemoCarrier.class.getName());
    private static final String HOST = "127.0.0.1";
    private static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE";
    private static final int MAX_DATAGRAM = 65_535;
    /** How many answered phones {@link #phones()} remembers, so that a long demo run does not grow. */
    static final int MAX_REMEMBERED_PHONES = 1000;

    private final DemoCarrierOptions options;
    private final DatagramChannel channel;
    private final int port;
    private final DigestAuth digest;
    private final Registrar registrar;
    private final PacingClock pacer;
    private final RtpReceiver rtpReceiver;
    private final ScheduledExecutorService timers;
    private final Thread receiver;
    private final AtomicBoolean open = new AtomicBoolean(true);

    // Guarded by lock: every SIP message and timer is handled while holding it.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Sent> lastResponses = new HashMap<>();
    private long nextSweepAtNanos;
    private final Map<String, ScheduledFuture<?>> awaitingAck = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> clientRetransmissions = new HashMap<>();
    private final Map<String, CarrierCall> calls = new HashMap<>();
    private final Map<String, Integer> wrongInviteCredentials = new HashMap<>();
    private final Deque<SimulatedPhone> phones = new ArrayDeque<>();
    private volatile Consumer<SimulatedPhone> phoneEndedListener = phone -> { };

    /** A response kept for the retransmissions of its request (RFC 3261 §17.2). */
    private record Sent(byte[] bytes, InetSocketAddress to, long expiresAtNanos) {
    }

    private final RtpProbe probe;

    private DemoCarrier(DemoCarrierOptions options, DatagramChannel channel, RtpProbe probe) throws IOException {
        this.options = options;
        this.probe = probe;
        this.channel = channel;
        this.port = channel.socket().getLocalPort();
        this.digest = new DigestAuth(options.realm(), options.username(), options.password().reveal(),
                options.random(), options.nanoTime());
        this.registrar = new Registrar(options.username(), digest, options.clock());
        this.rtpReceiver = new RtpReceiver(options.nanoTime());
        this.pacer = new PacingClock(options.nanoTime());
        this.timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("demo-carrier-sip-timers").factory());
        this.receiver = Thread.ofVirtual().name("demo-carrier-sip").unstarted(this::receive);
    }

    /** Binds 127.0.0.1 on an ephemeral UDP port and starts serving. */
    public static DemoCarrier start(DemoCarrierOptions options) throws IOException {
        return start(options, RtpProbe.NONE);
    }

    /** {@link #start(DemoCarrierOptions)} with every phone's RTP shown to {@code probe} (the benchmark's). */
    public static DemoCarrier start(DemoCarrierOptions options, RtpProbe probe) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(probe, "probe");
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress(HOST, 0));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        DemoCarrier carrier;
        try {
            carrier = new DemoCarrier(options, channel, probe);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        carrier.receiver.start();
        LOG.log(System.Logger.Level.INFO, "demo carrier listening on udp {0}:{1,number,#} (realm {2})",
                HOST, carrier.port, options.realm());
        return carrier;
    }

    /** The one example number per outcome that the README lists. */
    public static List<DemoNumbers.DemoNumber> demoNumbers() {
        return DemoNumbers.examples();
    }

    public String host() {
        return HOST;
    }

    /**
     * Final responses waiting for their ACK plus requests waiting for their answer, each with a
     * retransmission scheduled. Once none is, the carrier sends nothing more of its own accord: a test
     * waits for that instead of listening for a while.
     */
    int retransmissionsPending() {
        lock.lock();
        try {
            return awaitingAck.size() + clientRetransmissions.size();
        } finally {
            lock.unlock();
        }
    }

    public int port() {
        return port;
    }

    public String realm() {
        return options.realm();
    }

    /** The Contact the demo account registered, while its registration lasts. */
    public Optional<String> registeredContact() {
        return registrar.binding().map(Registrar.Binding::contactUri);
    }

    /** The phones that answered calls, oldest first: all of them, up to the last 1000. */
    public List<SimulatedPhone> phones() {
        lock.lock();
        try {
            return List.copyOf(phones);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands every phone to {@code listener} once its call has ended and its figures are final: how the
     * benchmark collects them from more calls than {@link #phones()} remembers. Called on a carrier
     * thread; it must return quickly.
     */
    public void onPhoneEnded(Consumer<SimulatedPhone> listener) {
        this.phoneEndedListener = Objects.requireNonNull(listener, "listener");
    }

    // ---- transport ----

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (open.get()) {
            buffer.clear();
            InetSocketAddress source;
            try {
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                if (open.get()) {
                    LOG.log(System.Logger.Level.WARNING, "demo carrier SIP socket failed", e);
                }
                return;
            }
            buffer.flip();
            Optional<SipMessage> message = SipMessage.parse(buffer.array(), buffer.limit());
            if (message.isEmpty()) {
                continue; // keep-alive CRLF or not SIP
            }
            LOG.log(System.Logger.Level.DEBUG, "carrier <- {0}: {1}", source, message.get());
            lock.lock();
            try {
                handle(message.get(), source);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "demo carrier could not handle " + message.get(), e);
            } finally {
                lock.unlock();
            }
        }
    }

    private void send(byte[] bytes, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(bytes), to);
        } catch (IOException e) {
            if (open.get()) {
                LOG.log(System.Logger.Level.WARNING, "demo carrier could not send to " + to, e);
            }
        }
    }

    // ---- dispatch and server transactions ----

    private void handle(SipMessage message, InetSocketAddress source) {
        if (!message.isRequest()) {
            onResponse(message);
            return;
        }
        if (message.header("Via").isEmpty() || message.callId().isEmpty() || message.cseqNumber() < 0) {
            return; // cannot even be answered
        }
        String method = message.method();
        if (method.equals("ACK")) {
            onAck(message);
            return;
        }
        Sent previous = lastResponses.get(transactionKey(message));
        if (previous != null) {
            send(previous.bytes(), previous.to());
            return;
        }
        SipMessage request = stampVia(message, source);
        InetSocketAddress replyTo = responseDestination(message, source);
        switch (method) {
            case "REGISTER" -> respond(request, replyTo, registrar.register(request, newTag()));
            case "INVITE" -> onInvite(request, replyTo);
            case "CANCEL" -> onCancel(request, replyTo);
            case "BYE" -> onBye(request, replyTo);
            case "OPTIONS" -> respond(request, replyTo, request.response(200, "OK", newTag(),
                    List.of(header("Allow", ALLOW), header("Accept", "application/sdp")), ""));
            case "INFO", "UPDATE" -> respond(request, replyTo, inDialog(request).isPresent()
                    ? request.response(200, "OK", null, List.of(), "")
                    : request.response(481, "Call/Transaction Does Not Exist", null, List.of(), ""));
            default -> respond(request, replyTo, request.response(501, "Not Implemented", newTag(),
                    List.of(header("Allow", ALLOW)), ""));
        }
    }

    /** Sends a response and keeps it to answer retransmissions of its request. */
    private void respond(SipMessage request, InetSocketAddress to, SipMessage response) {
        byte[] bytes = response.toBytes();
        long now = options.nanoTime().getAsLong();
        if (now - nextSweepAtNanos >= 0) {
            lastResponses.values().removeIf(sent -> sent.expiresAtNanos() - now < 0);
            nextSweepAtNanos = now + TimeUnit.SECONDS.toNanos(1);
        }
        lastResponses.put(transactionKey(request), new Sent(bytes, to,
                now + options.timers().transactionTimeout().toNanos()));
        LOG.log(System.Logger.Level.DEBUG, "carrier -> {0}: {1}", to, response);
        send(bytes, to);
    }

    /**
     * A final response to an INVITE, retransmitted at T1, 2·T1, ... capped at T2 until its ACK
     * arrives or 64·T1 has passed (RFC 3261 §13.3.1.4 and §17.2.1); then {@code onNoAck} runs.
     */
    private void respondFinal(SipMessage invite, InetSocketAddress to, SipMessage response, Runnable onNoAck) {
        respond(invite, to, response);
        String ackKey = ackKey(invite);
        Optional.ofNullable(awaitingAck.remove(ackKey)).ifPresent(f -> f.cancel(false));
        long giveUpAt = options.nanoTime().getAsLong() + options.timers().transactionTimeout().toNanos();
        byte[] bytes = response.toBytes();
        awaitingAck.put(ackKey, schedule(options.timers().t1(),
                () -> retransmitUntilAck(ackKey, bytes, to, options.timers().t1(), giveUpAt, onNoAck)));
    }

    private void respondFinal(SipMessage invite, InetSocketAddress to, SipMessage response) {
        respondFinal(invite, to, response, () -> { });
    }

    private void retransmitUntilAck(String ackKey, byte[] bytes, InetSocketAddress to, Duration interval,
                                    long giveUpAtNanos, Runnable onNoAck) {
        if (!awaitingAck.containsKey(ackKey)) {
            return;
        }
        if (options.nanoTime().getAsLong() - giveUpAtNanos >= 0) {
            awaitingAck.remove(ackKey);
            LOG.log(System.Logger.Level.INFO, "no ACK for the final response in {0}", ackKey);
            onNoAck.run();
            return;
        }
        send(bytes, to);
        Duration next = min(interval.multipliedBy(2), options.timers().t2());
        awaitingAck.put(ackKey, schedule(next,
                () -> retransmitUntilAck(ackKey, bytes, to, next, giveUpAtNanos, onNoAck)));
    }

    private void onAck(SipMessage ack) {
        Optional.ofNullable(awaitingAck.remove(ackKey(ack))).ifPresent(f -> f.cancel(false));
    }

    private void onResponse(SipMessage response) {
        if (response.statusCode() >= 200) {
            Optional.ofNullable(clientRetransmissions.remove(response.topBranch())).ifPresent(f -> f.cancel(false));
        }
    }

    // ---- calls ----

    private void onInvite(SipMessage invite, InetSocketAddress replyTo) {
        if (SipMessage.param(invite.header("To").orElse(""), "tag").isPresent()) {
            onReInvite(invite, replyTo);
            return;
        }
        Optional<SipMessage> refusal = checkProxyCredentials(invite);
        if (refusal.isPresent()) {
            respondFinal(invite, replyTo, refusal.get());
            return;
        }
        respond(invite, replyTo, invite.response(100, "Trying", null, List.of(), ""));
        String target = invite.requestUri();
        String number = SipMessage.userOf(target);
        String host = SipMessage.hostPortOf(target).replaceFirst(":\\d+$", "");
        Outcome outcome = host.equalsIgnoreCase(options.realm()) || host.equals(HOST)
                ? DemoNumbers.outcomeOf(number) : Outcome.INVALID_NUMBER;
        String toTag = newTag();
        if (outcome == Outcome.INVALID_NUMBER) {
            respondFinal(invite, replyTo, invite.response(404, "Not Found", toTag, List.of(), ""));
            return;
        }
        Optional<SdpNegotiation.Agreed> media = SdpNegotiation.negotiate(invite.body());
        if (media.isEmpty()) {
            respondFinal(invite, replyTo, invite.response(488, "Not Acceptable Here", toTag,
                    List.of(header("Warning", "304 " + HOST + " \"offer PCMA or PCMU over RTP/AVP\"")), ""));
            return;
        }
        CarrierCall call = new CarrierCall(invite, replyTo, toTag, number, outcome, media.get());
        calls.put(call.callId, call);
        respond(invite, replyTo, invite.response(180, "Ringing", toTag, List.of(contact(number)), ""));
        call.pending = switch (outcome) {
            case BUSY -> schedule(options.ringTime(), () -> endRinging(call, 486, "Busy Here"));
            case NO_ANSWER -> schedule(options.maxCallLength(), () -> endRinging(call, 480, "Temporarily Unavailable"));
            default -> schedule(options.ringTime(), () -> answer(call));
        };
    }

    /** Empty when the INVITE carries valid credentials; else the 407 or 403 to send. */
    private Optional<SipMessage> checkProxyCredentials(SipMessage invite) {
        Optional<String> credentials = invite.header("Proxy-Authorization");
        DigestAuth.Verdict verdict = credentials.map(c -> digest.verify(c, "INVITE")).orElse(null);
        if (verdict == DigestAuth.Verdict.OK) {
            wrongInviteCredentials.remove(invite.callId());
            return Optional.empty();
        }
        if (verdict == DigestAuth.Verdict.WRONG
                && wrongInviteCredentials.merge(invite.callId(), 1, Integer::sum) >= 2) {
            wrongInviteCredentials.remove(invite.callId());
            return Optional.of(invite.response(403, "Forbidden", newTag(), List.of(), ""));
        }
        return Optional.of(invite.response(407, "Proxy Authentication Required", newTag(),
                List.of(header("Proxy-Authenticate", digest.challenge(verdict == DigestAuth.Verdict.STALE))), ""));
    }

    private void onReInvite(SipMessage invite, InetSocketAddress replyTo) {
        Optional<CarrierCall> call = inDialog(invite).filter(c -> c.state == CarrierCall.State.ANSWERED);
        if (call.isEmpty()) {
            respondFinal(invite, replyTo, invite.response(481, "Call/Transaction Does Not Exist", null, List.of(), ""));
            return;
        }
        // Session refresh or hold: the phone keeps its media and answers with the same description.
        respondFinal(invite, replyTo, invite.response(200, "OK", null,
                List.of(contact(call.get().number), header("Content-Type", "application/sdp")), call.get().sdpAnswer));
    }

    /** The phone picks up: 200 OK with the SDP answer, then RTP. Called holding the lock, as all handlers are. */
    private void answer(CarrierCall call) {
        if (call.state != CarrierCall.State.RINGING) {
            return;
        }
        Duration hangUpAfter = call.outcome == Outcome.HANGUP_MID_CALL
                ? min(options.midCallHangupAfter(), options.maxCallLength()) : options.maxCallLength();
        SimulatedPhone phone;
        try {
            phone = SimulatedPhone.open(call.callId, call.number, call.media, options, hangUpAfter,
                    () -> phoneHungUp(call), probe);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "no RTP port for a simulated phone", e);
            endRinging(call, 500, "Server Internal Error");
            return;
        }
        call.phone = phone;
        call.state = CarrierCall.State.ANSWERED;
        call.sdpAnswer = SdpNegotiation.answer(call.media, HOST, phone.localPort(),
                options.random().nextLong(1, Long.MAX_VALUE / 2));
        // A 200 OK never acknowledged ends the dialog with a BYE (RFC 3261 §13.3.1.4).
        respondFinal(call.invite, call.caller, call.invite.response(200, "OK", call.toTag,
                List.of(contact(call.number), header("Allow", ALLOW), header("Content-Type", "application/sdp")),
                call.sdpAnswer), () -> phoneHungUp(call));
        phones.addLast(phone);
        if (phones.size() > MAX_REMEMBERED_PHONES) {
            phones.removeFirst();
        }
        try {
            phone.start(pacer, rtpReceiver);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "a simulated phone could not start its RTP", e);
            phoneHungUp(call);
        }
    }

    /** The call ends before it was answered: busy, cancelled, never answered. Called holding the lock. */
    private void endRinging(CarrierCall call, int code, String reason) {
        if (call.state != CarrierCall.State.RINGING) {
            return;
        }
        call.state = CarrierCall.State.ENDED;
        call.cancelPending();
        calls.remove(call.callId);
        respondFinal(call.invite, call.caller, call.invite.response(code, reason, call.toTag, List.of(), ""));
    }

    private void onCancel(SipMessage cancel, InetSocketAddress replyTo) {
        CarrierCall call = calls.get(cancel.callId());
        if (call == null || !call.invite.topBranch().equals(cancel.topBranch())) {
            respond(cancel, replyTo, cancel.response(481, "Call/Transaction Does Not Exist", newTag(), List.of(), ""));
            return;
        }
        respond(cancel, replyTo, cancel.response(200, "OK", call.toTag, List.of(), ""));
        endRinging(call, 487, "Request Terminated");
    }

    private void onBye(SipMessage bye, InetSocketAddress replyTo) {
        Optional<CarrierCall> call = inDialog(bye).filter(c -> c.state == CarrierCall.State.ANSWERED);
        if (call.isEmpty()) {
            respond(bye, replyTo, bye.response(481, "Call/Transaction Does Not Exist", null, List.of(), ""));
            return;
        }
        respond(bye, replyTo, bye.response(200, "OK", null, List.of(), ""));
        end(call.get(), SimulatedPhone.Ending.CALLER_HUNG_UP);
    }

    /** The phone decided to hang up: BYE to the caller, retransmitted until answered (RFC 3261 §17.1.2). */
    private void phoneHungUp(CarrierCall call) {
        lock.lock();
        try {
            if (call.state != CarrierCall.State.ANSWERED) {
                return;
            }
            String branch = "z9hG4bK" + randomHex(8);
            SipMessage bye = SipMessage.request("BYE", call.remoteTarget(), List.of(
                    header("Via", "SIP/2.0/UDP " + HOST + ":" + port + ";branch=" + branch + ";rport"),
                    header("Max-Forwards", "70"),
                    header("From", call.localParty()),
                    header("To", call.invite.header("From").orElse("")),
                    header("Call-ID", call.callId),
                    header("CSeq", ++call.localCseq + " BYE"),
                    header("User-Agent", "voiceagent-demo-carrier")), "");
            byte[] bytes = bye.toBytes();
            send(bytes, call.caller);
            long giveUpAt = options.nanoTime().getAsLong() + options.timers().transactionTimeout().toNanos();
            clientRetransmissions.put(branch, schedule(options.timers().t1(),
                    () -> retransmitRequest(branch, bytes, call.caller, options.timers().t1(), giveUpAt)));
            end(call, SimulatedPhone.Ending.PHONE_HUNG_UP);
        } finally {
            lock.unlock();
        }
    }

    private void retransmitRequest(String branch, byte[] bytes, InetSocketAddress to, Duration interval,
                                   long giveUpAtNanos) {
        if (!clientRetransmissions.containsKey(branch)) {
            return;
        }
        if (options.nanoTime().getAsLong() - giveUpAtNanos >= 0) {
            clientRetransmissions.remove(branch);
            return;
        }
        send(bytes, to);
        Duration next = min(interval.multipliedBy(2), options.timers().t2());
        clientRetransmissions.put(branch, schedule(next, () -> retransmitRequest(branch, bytes, to, next, giveUpAtNanos)));
    }

    private void end(CarrierCall call, SimulatedPhone.Ending why) {
        call.state = CarrierCall.State.ENDED;
        call.cancelPending();
        calls.remove(call.callId);
        if (call.phone != null) {
            call.phone.end(why);
            try {
                phoneEndedListener.accept(call.phone);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the phone-ended listener failed", e);
            }
        }
    }

    private Optional<CarrierCall> inDialog(SipMessage request) {
        CarrierCall call = calls.get(request.callId());
        if (call == null) {
            return Optional.empty();
        }
        String toTag = SipMessage.param(request.header("To").orElse(""), "tag").orElse("");
        return toTag.equals(call.toTag) ? Optional.of(call) : Optional.empty();
    }

    // ---- helpers ----

    /** Runs {@code task} after {@code delay} on the timer thread, holding the lock. */
    private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return timers.schedule(() -> {
            lock.lock();
            try {
                if (open.get()) {
                    task.run();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "demo carrier timer failed", e);
            } finally {
                lock.unlock();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Server transactions are matched by the top Via branch and the method, CANCEL apart from its
     * INVITE (RFC 3261 §17.2.3); an RFC 2543 peer without a magic-cookie branch by Call-ID and CSeq.
     */
    private static String transactionKey(SipMessage request) {
        String branch = request.topBranch();
        String id = branch.startsWith("z9hG4bK") ? branch : request.callId() + " " + request.cseqNumber();
        return id + " " + request.method();
    }

    /** ACKs are matched to their INVITE by Call-ID and CSeq number, which covers the 2xx ACK's new branch. */
    private static String ackKey(SipMessage request) {
        return request.callId() + " " + request.cseqNumber();
    }

    /** Adds {@code received} and fills {@code rport} on the top Via (RFC 3261 §18.2.1, RFC 3581). */
    private static SipMessage stampVia(SipMessage request, InetSocketAddress source) {
        String via = request.header("Via").orElseThrow();
        List<String> parts = new ArrayList<>();
        for (String part : via.split(";")) {
            String name = part.strip();
            if (name.equalsIgnoreCase("rport")) {
                parts.add("rport=" + source.getPort());
            } else if (!name.toLowerCase(java.util.Locale.ROOT).startsWith("received=")) {
                parts.add(part.strip());
            }
        }
        parts.add("received=" + source.getAddress().getHostAddress());
        return request.withHeader("Via", String.join(";", parts));
    }

    /** Responses go to the source address, and to the source port when the client asked with rport. */
    private static InetSocketAddress responseDestination(SipMessage request, InetSocketAddress source) {
        String via = request.header("Via").orElseThrow();
        if (SipMessage.param(via, "rport").isPresent()) {
            return source;
        }
        String sentBy = via.split(";")[0].strip();
        String hostPort = sentBy.substring(sentBy.lastIndexOf(' ') + 1);
        int colon = hostPort.lastIndexOf(':');
        int sentByPort = 5060;
        if (colon > 0 && !hostPort.endsWith("]")) {
            try {
                sentByPort = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                sentByPort = 5060;
            }
        }
        return new InetSocketAddress(source.getAddress(), sentByPort);
    }

    private SipMessage.Header contact(String number) {
        return header("Contact", "<sip:" + number + "@" + HOST + ":" + port + ">");
    }

    private static SipMessage.Header header(String name, String value) {
        return new SipMessage.Header(name, value);
    }

    private String newTag() {
        return randomHex(6);
    }

    private String randomHex(int bytes) {
        byte[] out = new byte[bytes];
        options.random().nextBytes(out);
        return HexFormat.of().formatHex(out);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Ends every call without signalling (the phones just stop), then closes the sockets. */
    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        lock.lock();
        try {
            for (CarrierCall call : List.copyOf(calls.values())) {
                end(call, SimulatedPhone.Ending.CARRIER_SHUT_DOWN);
            }
            awaitingAck.values().forEach(f -> f.cancel(false));
            clientRetransmissions.values().forEach(f -> f.cancel(false));
        } finally {
            lock.unlock();
        }
        timers.shutdownNow();
        try {
            timers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the demo carrier socket", e);
        }
        pacer.close();
        rtpReceiver.close();
        try {
            receiver.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DemoCarrier[udp " + HOST + ":" + port + ", realm " + options.realm() + "]";
    }
}
