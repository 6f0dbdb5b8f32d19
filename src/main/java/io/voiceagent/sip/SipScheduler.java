package io.voiceagent.sip;

import java.time.Duration;

/**
 * Runs SIP timers. All of a user agent's work (received messages, timers, API calls) runs on one
 * serial executor, so transaction and dialog state needs no locks and events keep their order.
 * Tests drive a fake implementation by hand.
 */
interface SipScheduler {

    /** A scheduled timer; cancelling one that already fired does nothing. */
    interface Timer {
        void cancel();
    }

    Timer schedule(Duration delay, Runnable task);
}
