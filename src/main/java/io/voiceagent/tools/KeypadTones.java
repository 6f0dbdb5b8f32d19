package io.voiceagent.tools;

import io.voiceagent.rtp.DtmfSender;
import io.voiceagent.sip.SipCall;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Presses keys on the phone leg: RFC 4733 events in the call's RTP when the far end offered
 * telephone-event, otherwise one SIP INFO ({@code application/dtmf-relay}) per digit, each sent once
 * the previous one is answered and its tone and gap would have played, so that an IVR sees the same
 * pace either way. Pauses ({@code w} 0.5 s, {@code W} 1 s) hold the next digit back in both.
 * One per call: a second request's digits follow the first's, never interleave with them.
 */
final class KeypadTones {

    /** How the tones went out; the wire name goes on the call record. */
    enum Route {
        RTP_EVENTS("rfc4733"),
        SIP_INFO("sip_info");

        final String wireName;

        Route(String wireName) {
            this.wireName = wireName;
        }
    }

    /** The same spacing as an RFC 4733 digit: tone, end packets and gap, 20 ms each. */
    static final Duration INFO_SPACING = Duration.ofMillis(20L * (DtmfSender.TONE_TICKS + 2 + DtmfSender.GAP_TICKS));
    static final Duration SHORT_PAUSE = Duration.ofMillis(20L * DtmfSender.SHORT_PAUSE_TICKS);
    static final Duration LONG_PAUSE = Duration.ofMillis(20L * DtmfSender.LONG_PAUSE_TICKS);

    private final CallControl call;
    private final ScheduledExecutorService timers;
    /** The INFO digits asked for last: the next request's start after them. */
    private final AtomicReference<CompletableFuture<Void>> lastInfo =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    KeypadTones(CallControl call, ScheduledExecutorService timers) {
        this.call = call;
        this.timers = timers;
    }

    /**
     * Starts sending {@code digits} (already checked with {@link DtmfSender#valid}); the future
     * completes with the route once the last has been sent, or fails with why not.
     */
    CompletableFuture<Route> send(String digits) {
        Optional<CompletableFuture<Void>> rtp = call.media().sendDtmf(digits);
        if (rtp.isPresent()) {
            return rtp.get().thenApply(sent -> Route.RTP_EVENTS);
        }
        Optional<SipCall> leg = call.phoneLeg();
        if (leg.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the call has no SIP dialog for INFO"));
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        CompletableFuture<Void> earlier = lastInfo.getAndSet(finished);
        CompletableFuture<Void> sent = earlier.thenCompose(previous -> sendByInfo(leg.get(), digits, 0));
        sent.whenComplete((ok, failure) -> finished.complete(null));
        return sent.thenApply(done -> Route.SIP_INFO);
    }

    private CompletableFuture<Void> sendByInfo(SipCall leg, String digits, int index) {
        if (index == digits.length()) {
            return CompletableFuture.completedFuture(null);
        }
        char key = digits.charAt(index);
        CompletableFuture<Void> thisOne = switch (key) {
            case 'w' -> after(SHORT_PAUSE);
            case 'W' -> after(LONG_PAUSE);
            default -> {
                CompletableFuture<Void> answered = leg.sendDtmfInfo(key);
                // The last digit is sent when it is answered; the next one waits for the spacing.
                yield index == digits.length() - 1 ? answered : answered.thenCompose(ok -> after(INFO_SPACING));
            }
        };
        return thisOne.thenCompose(done -> sendByInfo(leg, digits, index + 1));
    }

    private CompletableFuture<Void> after(Duration delay) {
        CompletableFuture<Void> elapsed = new CompletableFuture<>();
        timers.schedule(() -> elapsed.complete(null), delay.toMillis(), TimeUnit.MILLISECONDS);
        return elapsed;
    }
}
