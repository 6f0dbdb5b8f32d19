package io.voiceagent.sip;

import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A user agent without a socket, for driving calls and registration in virtual time: it keeps what
 * was sent, and the test feeds responses back through the real transactions.
 */
final class FakeStack implements SipStack {

    final FakeScheduler scheduler = new FakeScheduler();
    final List<SipMessage> sent = new ArrayList<>();
    final List<CallSession> ended = new ArrayList<>();
    private final Map<String, ClientInviteTransaction> invites = new HashMap<>();
    private final Map<String, ClientNonInviteTransaction> nonInvites = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(3);
    private final Config.Sip config;
    private final SipTimers timers = SipTimers.rfc3261();
    private String host = "192.0.2.10";
    int registeredCount;
    private int port = 5070;
    private int counter;

    FakeStack(Duration ringTimeout) {
        config = TestConfigs.sip("pw", "192.0.2.1", 5060, 5070, 5070, ringTimeout);
    }

    /** The last request of {@code method} that was sent. */
    SipMessage.Request lastRequest(String method) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof SipMessage.Request r && r.method().equals(method)) {
                return r;
            }
        }
        throw new AssertionError("no " + method + " was sent; sent: " + sent);
    }

    long count(String method) {
        return sent.stream().filter(m -> m instanceof SipMessage.Request r && r.method().equals(method)).count();
    }

    /** Hands a response to the transaction it belongs to, as the user agent's dispatcher does. */
    void deliver(SipMessage.Response response) {
        String key = response.topVia().flatMap(Via::branch).orElseThrow() + " " + response.cseq().method();
        if (response.cseq().method().equals("INVITE")) {
            invites.get(key).onResponse(response);
        } else {
            nonInvites.get(key).onResponse(response);
        }
    }

    /** A response to {@code request} from the far end, with its To tag. */
    static SipMessage.Response answer(SipMessage.Request request, int status, String body) {
        SipMessage.Response r = request.createResponse(status, "R" + status);
        if (status > 100 && !request.header("To").orElseThrow().contains("tag=")) {
            r = r.replacing("To", request.header("To").orElseThrow() + ";tag=far");
        }
        r = r.with("Contact", "<sip:gw@192.0.2.1:5060>");
        return body.isEmpty() ? r : r.withBody("application/sdp", body);
    }

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
        return scheduler;
    }

    @Override
    public Clock clock() {
        return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z").plusMillis(scheduler.nowMillis()), ZoneOffset.UTC);
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public String newBranch() {
        return Via.MAGIC_COOKIE + "b" + (++counter);
    }

    @Override
    public String newTag() {
        return "t" + (++counter);
    }

    @Override
    public DigestCredentials newCredentials() {
        return new DigestCredentials(config.login(), config.password(), random);
    }

    @Override
    public java.util.random.RandomGenerator random() {
        return random;
    }

    @Override
    public String advertisedHost() {
        return host;
    }

    @Override
    public int advertisedPort() {
        return port;
    }

    @Override
    public ClientInviteTransaction sendInvite(SipMessage.Request invite, ClientInviteTransaction.Owner owner) {
        var tx = new ClientInviteTransaction(invite, sent::add, scheduler, timers, owner);
        invites.put(invite.topVia().flatMap(Via::branch).orElseThrow() + " INVITE", tx);
        tx.start();
        return tx;
    }

    @Override
    public ClientNonInviteTransaction sendNonInvite(SipMessage.Request request, ClientNonInviteTransaction.Owner owner) {
        var tx = new ClientNonInviteTransaction(request, sent::add, scheduler, timers, owner);
        nonInvites.put(request.topVia().flatMap(Via::branch).orElseThrow() + " " + request.method(), tx);
        tx.start();
        return tx;
    }

    @Override
    public void sendToServer(SipMessage message) {
        sent.add(message);
    }

    @Override
    public void onRegistered() {
        registeredCount++;
    }

    @Override
    public void onNatBindingChanged(String newHost, int newPort) {
        host = newHost;
        port = newPort;
    }

    @Override
    public void callEnded(CallSession call) {
        ended.add(call);
    }

    /** A server transaction that sends through this stack; {@code onAckTimeout} hears Timer H. */
    ServerTransaction serverTransaction(SipMessage.Request request,
                                        java.util.function.Consumer<ServerTransaction> onAckTimeout) {
        return new ServerTransaction(request, sent::add, scheduler, timers(), new ServerTransaction.Owner() {
            @Override
            public void onTerminated(ServerTransaction transaction) {
            }

            @Override
            public void onAckTimeout(ServerTransaction transaction) {
                onAckTimeout.accept(transaction);
            }
        });
    }

    /** The last response this stack sent. */
    SipMessage.Response lastResponse() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof SipMessage.Response r) {
                return r;
            }
        }
        throw new AssertionError("no response sent");
    }
}
