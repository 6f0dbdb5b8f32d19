package io.voiceagent.sip;

import io.voiceagent.config.Config;
import io.voiceagent.net.SocketAddresses;
import io.voiceagent.stun.StunClient;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Our SIP user agent over one UDP socket (RFC 3261, no SIP library). A virtual thread blocks on the
 * socket; everything else (parsed messages, timers, dial and hangup) runs on one serial executor,
 * so transactions, dialogs and the registration need no locks and each call's events keep their order.
 * Requests go to {@code SIP_SERVER} as the outbound proxy; responses go back where the request came
 * from (symmetric response routing, RFC 3581).
 */
public final class UdpSipUserAgent implements SipUserAgent {

    private static final System.Logger LOG = System.getLogger(UdpSipUserAgent.class.getName());
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY";
    static final String ACCEPT = "application/sdp, application/dtmf-relay";
    static final String USER_AGENT = "voiceagent";
    private static final int LOG_CAPACITY = 200;
    private static final Duration MAX_UNREGISTER_WAIT = Duration.ofSeconds(5);
    /** Digits, a leading +, and the unreserved characters a carrier might use in a user part. */
    private static final java.util.regex.Pattern DIALLABLE = java.util.regex.Pattern.compile("\\+?[0-9A-Za-z*._-]{1,64}");

    private enum Lifecycle { NEW, RUNNING, CLOSED }

    private final Config.Sip config;
    private final SipTimers timers;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock randomLock = new ReentrantLock();
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private final MessageLog messageLog;
    private final Map<String, ClientInviteTransaction> inviteTransactions = new ConcurrentHashMap<>();
    private final Map<String, ClientNonInviteTransaction> nonInviteTransactions = new ConcurrentHashMap<>();
    private final Map<String, ServerTransaction> serverTransactions = new ConcurrentHashMap<>();
    private final Map<String, CallSession> calls = new ConcurrentHashMap<>();
    private final AtomicReference<InboundCallHandler> inboundHandler = new AtomicReference<>();
    private final Stack stack = new Stack();
    private final LockedRandom lockedRandom = new LockedRandom();
    private volatile Lifecycle lifecycle = Lifecycle.NEW;
    private ScheduledThreadPoolExecutor loop;
    private DatagramSocket socket;
    private Thread receiver;
    private volatile InetSocketAddress server;
    private TrustedPeers trustedPeers;
    private volatile String localAddress = "";
    private volatile String advertisedHost = "";
    private volatile int advertisedPort;
    private volatile Registration registration;
    private volatile int localPort;
    /** Set in start() when SIP_STUN_SERVER is; its answers arrive on the SIP socket. */
    private volatile StunClient stun;
    /** Set at the first successful REGISTER: from then on the advertised address is judged (and warned about once). */
    private final AtomicBoolean addressChecked = new AtomicBoolean();

    public UdpSipUserAgent(Config.Sip config, SipTimers timers, Clock clock, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.messageLog = new MessageLog(LOG_CAPACITY, clock);
    }

    @Override
    public void start() throws IOException {
        lifecycleLock.lock();
        try {
            if (lifecycle != Lifecycle.NEW) {
                throw new IllegalStateException("the SIP user agent was already started; create a new one");
            }
            InetAddress[] serverAddresses = InetAddress.getAllByName(config.serverHost());
            server = new InetSocketAddress(serverAddresses[0], config.serverPort());
            trustedPeers = new TrustedPeers(List.of(serverAddresses), config.trustedPeers());
            localAddress = routedLocalAddress(server);
            socket = bindInRange(config.portMin(), config.portMax());
            advertisedHost = config.publicIp().orElse(localAddress);
            localPort = socket.getLocalPort();
            advertisedPort = localPort;
            loop = new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("sip-loop").factory());
            loop.setRemoveOnCancelPolicy(true);
            lifecycle = Lifecycle.RUNNING;
            Optional<InetSocketAddress> stunServer = resolveStunServer();
            stunServer.ifPresent(ignored -> stun = new StunClient(
                    (delay, task) -> stack.scheduler().schedule(delay, task), new LockedRandom(),
                    StunClient.Policy.CALL_SETUP));
            receiver = Thread.ofVirtual().name("sip-receive").start(this::receiveLoop);
            LOG.log(System.Logger.Level.INFO, "SIP on udp {0}:{1} (advertised {2}:{3}), server {4}", localAddress,
                    Integer.toString(advertisedPort), advertisedHost, Integer.toString(advertisedPort), server);
            stack.execute(() -> {
                registration = new Registration(stack, newCallId());
                scheduleKeepAlive();
                stunServer.ifPresentOrElse(this::learnMappingThenRegister, registration::register);
            });
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** SIP_STUN_SERVER resolved now, so that the loop never waits for DNS; empty when unset or unknown. */
    private Optional<InetSocketAddress> resolveStunServer() {
        Optional<Config.StunServer> configured = config.stunServer();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(configured.get().host()),
                    configured.get().port()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "SIP_STUN_SERVER {0} cannot be resolved ({1}): STUN is off",
                    configured.get(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * RFC 5389 over the SIP socket before the first REGISTER, so that its Contact already names the
     * public address and port a NAT gives us (the registrar's received/rport confirm it afterwards).
     */
    private void learnMappingThenRegister(InetSocketAddress stunServer) {
        stun.bind(stunServer, this::sendRaw).whenComplete((mapped, failure) -> stack.execute(() -> {
            if (mapped != null) {
                String host = config.publicIp().orElse(mapped.getAddress().getHostAddress());
                LOG.log(System.Logger.Level.INFO, "STUN {0}: the SIP socket {1}:{2} is seen as {3}; advertising {4}:{5}",
                        stunServer, localAddress, Integer.toString(localPort), mapped, host,
                        Integer.toString(mapped.getPort()));
                stack.onNatBindingChanged(host, mapped.getPort());
            } else {
                LOG.log(System.Logger.Level.WARNING, "STUN {0} gave no mapping for the SIP socket ({1});"
                        + " relying on the registrar's received/rport", stunServer, failure.getMessage());
            }
            registration.register();
        }));
    }

    /** The address the kernel would send from toward the server: a connected UDP socket sends nothing. */
    private static String routedLocalAddress(InetSocketAddress server) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(server);
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                return InetAddress.getLocalHost().getHostAddress();
            }
            return local.getHostAddress();
        }
    }

    private static DatagramSocket bindInRange(int min, int max) throws IOException {
        for (int port = min; port <= max; port++) {
            try {
                return new DatagramSocket(new InetSocketAddress(port));
            } catch (SocketException busy) {
                // taken: try the next one
            }
        }
        throw new IOException("no free UDP port for SIP in SIP_PORT_MIN..SIP_PORT_MAX (" + min + ".." + max + ")");
    }

    @Override
    public RegistrationStatus registration() {
        Registration r = registration;
        return r != null ? r.status() : new RegistrationStatus(RegistrationStatus.State.UNREGISTERED,
                Optional.empty(), clock.instant(), Optional.empty());
    }

    @Override
    public void reregister() {
        stack.execute(() -> {
            if (registration != null) {
                registration.register();
            }
        });
    }

    @Override
    public String mediaAddress() {
        return advertisedHost;
    }

    @Override
    public SdpEndpoint sdpEndpoint(int localRtpPort, Optional<InetSocketAddress> rtpMapping) {
        return SdpEndpoint.choose(config.publicIp(), mediaAddress(), localRtpPort, rtpMapping);
    }

    /** Judged once registered: before that the registrar has not yet told us the address it sees. */
    @Override
    public Optional<String> addressWarning() {
        InetSocketAddress carrier = server;
        return carrier == null || !addressChecked.get() ? Optional.empty()
                : AdvertisedAddress.warning(mediaAddress(), carrier.getAddress());
    }

    @Override
    public SipCall dial(String callId, String digits, SessionDescription offer, SipCallListener listener) {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(digits, "digits");
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(listener, "listener");
        CallSession call = CallSession.outbound(stack, newCallId(), callId, digits, offer, listener);
        if (lifecycle != Lifecycle.RUNNING) {
            failLater(listener, new SipCallEvent.Failed(FailureCause.NETWORK, 0, "the SIP user agent is not running"));
            return call;
        }
        if (!DIALLABLE.matcher(digits).matches()) {
            failLater(listener, new SipCallEvent.Failed(FailureCause.INVALID_NUMBER, 0,
                    "not a number we can put in a SIP URI: " + digits));
            return call;
        }
        calls.put(call.callId(), call);
        stack.execute(call::dial);
        return call;
    }

    /** Events of a call that never started still arrive after dial() returns, like any other. */
    private static void failLater(SipCallListener listener, SipCallEvent.Failed failure) {
        Thread.ofVirtual().name("sip-dial-failed").start(() -> listener.onEvent(failure));
    }

    @Override
    public void setInboundHandler(InboundCallHandler handler) {
        inboundHandler.set(handler);
    }

    @Override
    public Map<String, Object> debugSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        RegistrationStatus status = registration();
        Map<String, Object> reg = new LinkedHashMap<>();
        reg.put("state", status.state().wireName());
        reg.put("detail", status.detail().orElse(""));
        reg.put("since", status.since().toString());
        reg.put("expires_at", status.expiresAt().map(Object::toString).orElse(""));
        out.put("registration", reg);
        out.put("local", localAddress + ":" + localPort);
        out.put("advertised", advertisedHost + ":" + advertisedPort);
        out.put("stun", config.stunServer().map(Object::toString).orElse(""));
        addressWarning().ifPresent(warning -> out.put("address_warning", warning));
        out.put("server", server == null ? config.serverHost() + ":" + config.serverPort() : SocketAddresses.hostPort(server));
        Map<String, Object> tx = new LinkedHashMap<>();
        tx.put("client_invite", inviteTransactions.size());
        tx.put("client_non_invite", nonInviteTransactions.size());
        tx.put("server", serverTransactions.size());
        out.put("transactions", tx);
        out.put("calls", calls.size());
        out.put("messages", messageLog.snapshot());
        return out;
    }

    @Override
    public void close() {
        lifecycleLock.lock();
        try {
            if (lifecycle != Lifecycle.RUNNING) {
                lifecycle = Lifecycle.CLOSED;
                return;
            }
            unregisterBounded();
            lifecycle = Lifecycle.CLOSED;
            loop.shutdownNow();
            socket.close();
            receiver.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lifecycleLock.unlock();
        }
    }

    private void unregisterBounded() throws InterruptedException {
        Duration wait = timers.transactionTimeout().compareTo(MAX_UNREGISTER_WAIT) < 0
                ? timers.transactionTimeout() : MAX_UNREGISTER_WAIT;
        try {
            var unregistered = new java.util.concurrent.CompletableFuture<Void>();
            loop.execute(() -> {
                if (registration == null) {
                    unregistered.complete(null);
                    return;
                }
                registration.unregister().whenComplete((v, e) -> unregistered.complete(null));
            });
            unregistered.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "unregister did not complete within {0}", wait);
        }
        ScheduledFuture<?> stop = loop.schedule(() -> {
            if (registration != null) {
                registration.stop();
            }
            inviteTransactions.values().forEach(ClientInviteTransaction::terminate);
            nonInviteTransactions.values().forEach(ClientNonInviteTransaction::terminate);
        }, 0, TimeUnit.MILLISECONDS);
        try {
            stop.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "SIP timers did not stop cleanly: {0}", e.toString());
        }
    }

    // ---------------------------------------------------------------- transport

    private void receiveLoop() {
        byte[] buffer = new byte[SipParser.MAX_MESSAGE_BYTES + 1];
        while (lifecycle == Lifecycle.RUNNING) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (lifecycle == Lifecycle.RUNNING) {
                    LOG.log(System.Logger.Level.ERROR, "SIP socket receive failed: {0}", e.toString());
                }
                return;
            }
            byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
            StunClient stunClient = stun;
            if (stunClient != null && stunClient.offer(data, 0, data.length, source)) {
                continue; // RFC 7983: a first byte of 0..3 is STUN, never SIP
            }
            stack.execute(() -> onDatagram(data, source));
        }
    }

    private void send(SipMessage message, InetSocketAddress target) {
        byte[] bytes = message.encode();
        messageLog.record("out", target.getAddress().getHostAddress() + ":" + target.getPort(),
                new String(bytes, StandardCharsets.UTF_8));
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, target));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}cannot send {1} to {2}: {3}", about(message), message, target,
                    e.toString());
        }
    }

    /** {@code "call=<id> <Call-ID>: "} when the message is in a dialog one of our calls owns, else nothing. */
    private String about(SipMessage message) {
        CallSession call = calls.get(message.callId());
        return call == null ? "" : call.logName() + ": ";
    }

    private void sendRaw(byte[] datagram, InetSocketAddress target) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, target));
    }

    private void scheduleKeepAlive() {
        stack.scheduler().schedule(timers.keepAliveInterval(), () -> {
            // RFC 5626 §4.4.1: a CRLF pair keeps the NAT binding toward the registrar open.
            byte[] ping = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            try {
                socket.send(new DatagramPacket(ping, ping.length, server));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "keep-alive failed: {0}", e.toString());
            }
            scheduleKeepAlive();
        });
    }

    // ---------------------------------------------------------------- dispatch

    private void onDatagram(byte[] data, InetSocketAddress source) {
        if (isKeepAlive(data)) {
            return;
        }
        String peer = source.getAddress().getHostAddress() + ":" + source.getPort();
        messageLog.record("in", peer, new String(data, StandardCharsets.UTF_8));
        SipMessage message;
        try {
            message = SipParser.parse(data, data.length);
        } catch (SipParseException e) {
            LOG.log(System.Logger.Level.WARNING, "dropping malformed SIP message from {0}: {1}", peer, e.getMessage());
            e.request().filter(r -> !r.method().equals("ACK"))
                    .ifPresent(r -> send(r.createResponse(400, "Bad Request"), source));
            return;
        }
        try {
            switch (message) {
                case SipMessage.Response response -> onResponse(response);
                case SipMessage.Request request -> onRequest(request, source);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, about(message) + "failed to handle " + message + " from " + peer, e);
        }
    }

    private static boolean isKeepAlive(byte[] data) {
        for (byte b : data) {
            if (b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private void onResponse(SipMessage.Response response) {
        String branch = response.topVia().flatMap(Via::branch).orElse("");
        String method = response.cseq().method();
        String key = transactionKey(branch, method);
        if (method.equals("INVITE")) {
            ClientInviteTransaction tx = inviteTransactions.get(key);
            if (tx != null) {
                tx.onResponse(response);
                return;
            }
        } else {
            ClientNonInviteTransaction tx = nonInviteTransactions.get(key);
            if (tx != null) {
                tx.onResponse(response);
                return;
            }
        }
        CallSession call = calls.get(response.callId());
        if (call != null && method.equals("INVITE") && response.isSuccess()) {
            // A 200 retransmitted after its transaction ended: its ACK was lost (RFC 3261 §13.2.2.4).
            call.onLateAnswer(response);
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "response matches no transaction: {0}", response);
    }

    private void onRequest(SipMessage.Request received, InetSocketAddress source) {
        SipMessage.Request request = withSourceInVia(received, source);
        if (!trustedPeers.contains(source.getAddress())) {
            trustedPeers.logRefusal(request, source);
            if (!request.method().equals("ACK")) {
                send(request.createResponse(403, "Forbidden"), source);
            }
            return;
        }
        String branch = request.topVia().flatMap(Via::branch).orElse("");
        if (request.method().equals("ACK")) {
            ServerTransaction invite = serverTransactions.get(serverKey(branch, "INVITE", request));
            if (invite != null) {
                invite.onAck();
            }
            CallSession call = calls.get(request.callId());
            if (call != null && call.belongsToDialog(request)) {
                call.onAck(request);
            }
            return;
        }
        String key = serverKey(branch, request.method(), request);
        ServerTransaction existing = serverTransactions.get(key);
        if (existing != null) {
            existing.onRetransmission();
            return;
        }
        ServerTransaction tx = new ServerTransaction(request, m -> send(m, source), stack.scheduler(), timers,
                serverOwner);
        serverTransactions.put(key, tx);
        if (request.method().equals("CANCEL")) {
            onCancel(request, tx, branch);
            return;
        }
        if (request.method().equals("OPTIONS")) {
            tx.respond(request.createResponse(200, "OK").with("Allow", ALLOW).with("Accept", ACCEPT)
                    .with("Supported", OptionTags.SUPPORTED).with("User-Agent", USER_AGENT));
            return;
        }
        List<String> unsupported = OptionTags.unsupported(request);
        if (!unsupported.isEmpty()) {
            // RFC 3261 §8.2.2.3: an extension we lack cannot be ignored once required.
            tx.respond(request.createResponse(420, "Bad Extension").with("Unsupported", String.join(", ", unsupported)));
            return;
        }
        boolean inDialog = SipAddress.parse(request.header("To").orElse("")).flatMap(SipAddress::tag).isPresent();
        if (inDialog) {
            CallSession call = calls.get(request.callId());
            // RFC 3261 §12.2.2: Call-ID and both tags, not the Call-ID alone.
            if (call == null || !call.belongsToDialog(request)) {
                tx.respond(request.createResponse(481, "Call/Transaction Does Not Exist"));
            } else {
                call.onRequest(request, tx);
            }
            return;
        }
        if (!request.method().equals("INVITE")) {
            tx.respond(request.method().equals("BYE")
                    ? request.createResponse(481, "Call/Transaction Does Not Exist")
                    : request.createResponse(501, "Not Implemented").with("Allow", ALLOW));
            return;
        }
        if (calls.containsKey(request.callId())) {
            tx.respond(request.createResponse(482, "Loop Detected"));
            return;
        }
        CallSession call = CallSession.inbound(stack, request);
        calls.put(call.callId(), call);
        call.answerInbound(request, tx, inboundHandler.get());
    }

    /** RFC 3581 §4: our responses tell the sender where its request really came from. */
    private static SipMessage.Request withSourceInVia(SipMessage.Request request, InetSocketAddress source) {
        List<String> vias = request.headers().values("Via");
        if (vias.isEmpty()) {
            return request;
        }
        SipHeaders headers = request.headers().without("Via");
        List<SipHeaders.Field> fields = new java.util.ArrayList<>();
        fields.add(new SipHeaders.Field("Via",
                Via.stampSource(vias.get(0), source.getAddress().getHostAddress(), source.getPort())));
        for (int i = 1; i < vias.size(); i++) {
            fields.add(new SipHeaders.Field("Via", vias.get(i)));
        }
        fields.addAll(headers.fields());
        return request.withHeaders(new SipHeaders(fields));
    }

    private void onCancel(SipMessage.Request cancel, ServerTransaction tx, String branch) {
        ServerTransaction invite = serverTransactions.get(serverKey(branch, "INVITE", cancel));
        if (invite == null) {
            tx.respond(cancel.createResponse(481, "Call/Transaction Does Not Exist"));
            return;
        }
        tx.respond(cancel.createResponse(200, "OK"));
        CallSession call = calls.get(cancel.callId());
        if (call != null) {
            call.onCancel();
        }
    }

    private final ServerTransaction.Owner serverOwner = new ServerTransaction.Owner() {
        @Override
        public void onTerminated(ServerTransaction transaction) {
            serverTransactions.values().remove(transaction);
        }

        @Override
        public void onAckTimeout(ServerTransaction transaction) {
            CallSession call = calls.get(transaction.request().callId());
            if (call != null) {
                call.onAckTimeout(transaction);
            }
        }
    };

    private static String transactionKey(String branch, String method) {
        return branch + " " + method;
    }

    /** RFC 3261 §17.2.3: branch, sent-by and method identify a server transaction. */
    private static String serverKey(String branch, String method, SipMessage.Request request) {
        String sentBy = request.topVia().map(v -> v.host() + ":" + v.port().orElse(5060)).orElse("");
        return branch + " " + sentBy + " " + method;
    }

    // ---------------------------------------------------------------- identifiers

    private String randomHex() {
        randomLock.lock();
        try {
            return HexFormat.of().toHexDigits(random.nextLong());
        } finally {
            randomLock.unlock();
        }
    }

    private String newCallId() {
        return randomHex() + randomHex().substring(8) + "@" + (localAddress.isEmpty() ? "voiceagent" : localAddress);
    }

    /** What calls and registration see of the user agent; runs on the serial executor. */
    private final class Stack implements SipStack {

        @Override
        public Config.Sip config() {
            return config;
        }

        @Override
        public SipTimers timers() {
            return timers;
        }

        @Override
        public SipScheduler scheduler() {
            return (delay, task) -> {
                ScheduledFuture<?> future = loop.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            };
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public void execute(Runnable task) {
            if (lifecycle != Lifecycle.RUNNING) {
                LOG.log(System.Logger.Level.DEBUG, "SIP user agent not running; task dropped");
                return;
            }
            try {
                loop.execute(guarded(task));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, "SIP user agent closed; task dropped");
            }
        }

        private Runnable guarded(Runnable task) {
            return () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "SIP task failed", e);
                }
            };
        }

        @Override
        public String newBranch() {
            return Via.MAGIC_COOKIE + randomHex();
        }

        @Override
        public String newTag() {
            return randomHex().substring(0, 10);
        }

        @Override
        public DigestCredentials newCredentials() {
            return new DigestCredentials(config.login(), config.password(), lockedRandom);
        }

        @Override
        public RandomGenerator random() {
            return lockedRandom;
        }

        @Override
        public String advertisedHost() {
            return advertisedHost;
        }

        @Override
        public int advertisedPort() {
            return advertisedPort;
        }

        @Override
        public ClientInviteTransaction sendInvite(SipMessage.Request invite, ClientInviteTransaction.Owner owner) {
            inviteTransactions.values().removeIf(t -> t.state() == ClientInviteTransaction.State.TERMINATED);
            var tx = new ClientInviteTransaction(invite, m -> send(m, server), scheduler(), timers, owner);
            inviteTransactions.put(transactionKey(invite.topVia().flatMap(Via::branch).orElseThrow(), "INVITE"), tx);
            tx.start();
            return tx;
        }

        @Override
        public ClientNonInviteTransaction sendNonInvite(SipMessage.Request request,
                                                        ClientNonInviteTransaction.Owner owner) {
            nonInviteTransactions.values().removeIf(t -> t.state() == ClientNonInviteTransaction.State.TERMINATED);
            var tx = new ClientNonInviteTransaction(request, m -> send(m, server), scheduler(), timers, owner);
            nonInviteTransactions.put(
                    transactionKey(request.topVia().flatMap(Via::branch).orElseThrow(), request.method()), tx);
            tx.start();
            return tx;
        }

        @Override
        public void sendToServer(SipMessage message) {
            send(message, server);
        }

        @Override
        public void onNatBindingChanged(String host, int port) {
            advertisedHost = host;
            advertisedPort = port;
        }

        @Override
        public void onRegistered() {
            // Once per start: by now STUN and the registrar's received/rport have had their say.
            if (addressChecked.compareAndSet(false, true)) {
                addressWarning().ifPresent(warning -> LOG.log(System.Logger.Level.WARNING, warning));
            }
        }

        @Override
        public void callEnded(CallSession call) {
            // Kept a while so that late retransmissions (a 200 after our CANCEL, a repeated BYE) still match.
            scheduler().schedule(timers.transactionTimeout(), () -> calls.remove(call.callId(), call));
        }
    }

    /** The injected generator behind the user agent's lock, for credentials used on the loop. */
    private final class LockedRandom implements RandomGenerator {
        @Override
        public long nextLong() {
            randomLock.lock();
            try {
                return random.nextLong();
            } finally {
                randomLock.unlock();
            }
        }
    }
}
