package io.voiceagent.sip;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects a call's events for assertions. */
final class RecordingListener implements SipCallListener {
    private final BlockingQueue<SipCallEvent> events = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(SipCallEvent event) {
        events.add(event);
    }

    SipCallEvent next() throws InterruptedException {
        SipCallEvent e = events.poll(5, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no call event within 5 s");
        }
        return e;
    }

    <T extends SipCallEvent> T next(Class<T> type) throws InterruptedException {
        SipCallEvent e = next();
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + e);
        }
        return type.cast(e);
    }

    /** The next event, waiting at most {@code millis} (0: only one already there). */
    SipCallEvent poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }
}
