package io.voiceagent.sip.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.voiceagent.sip.SipCallEvent;
import io.voiceagent.sip.SipCallListener;

/** A call's events as the user agent reports them, in order, for assertions. */
final class CallEvents implements SipCallListener {

    private final BlockingQueue<SipCallEvent> pending = new LinkedBlockingQueue<>();
    private final List<SipCallEvent> seen = new ArrayList<>();

    @Override
    public void onEvent(SipCallEvent event) {
        pending.add(event);
    }

    /** The next event, which must be a {@code type}; the failure names every event seen so far. */
    <T extends SipCallEvent> T next(Class<T> type, Duration timeout) throws InterruptedException {
        SipCallEvent event = pending.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; events so far: " + seen);
        }
        seen.add(event);
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + event + "; events so far: "
                    + seen);
        }
        return type.cast(event);
    }

    /** Skips provisional events (Ringing) until the next {@code type}. */
    <T extends SipCallEvent> T nextSkippingRinging(Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            SipCallEvent event = pending.poll(left.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; events so far: "
                        + seen);
            }
            seen.add(event);
            if (type.isInstance(event)) {
                return type.cast(event);
            }
            if (!(event instanceof SipCallEvent.Ringing)) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + event
                        + "; events so far: " + seen);
            }
        }
    }

    /** Every event received so far, consumed or not. */
    List<SipCallEvent> all() {
        List<SipCallEvent> all = new ArrayList<>(seen);
        all.addAll(pending);
        return all;
    }
}
