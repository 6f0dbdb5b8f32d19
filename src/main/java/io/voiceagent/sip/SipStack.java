package io.voiceagent.sip;

import io.voiceagent.config.Config;
import java.time.Clock;

/**
 * What registration and calls need from the user agent: timers, identifiers, our address, and a
 * way to send through transactions. Every method is called on the user agent's serial executor.
 */
interface SipStack {

    Config.Sip config();

    SipTimers timers();

    SipScheduler scheduler();

    Clock clock();

    /** Runs {@code task} on the serial executor (for calls made from other threads). */
    void execute(Runnable task);

    String newBranch();

    String newTag();

    DigestCredentials newCredentials();

    /** The user agent's injected randomness (retry pauses). */
    java.util.random.RandomGenerator random();

    /** Host and port that go into our Via and Contact (public, discovered, or learned via rport). */
    String advertisedHost();

    int advertisedPort();

    default String contactUri() {
        return "sip:" + config().login() + "@" + advertisedHost() + ":" + advertisedPort();
    }

    default String via(String branch) {
        return Via.ours(advertisedHost(), advertisedPort(), branch);
    }

    ClientInviteTransaction sendInvite(SipMessage.Request invite, ClientInviteTransaction.Owner owner);

    ClientNonInviteTransaction sendNonInvite(SipMessage.Request request, ClientNonInviteTransaction.Owner owner);

    /** Sends outside any transaction: the ACK for a 2xx. */
    void sendToServer(SipMessage message);

    /** The NAT binding the registrar saw differs from what we advertise. */
    void onNatBindingChanged(String host, int port);

    /** A REGISTER succeeded: the address we advertise is as good as it will get. */
    void onRegistered();

    /** The call has ended and may be forgotten once late retransmissions are over. */
    void callEnded(CallSession call);
}
