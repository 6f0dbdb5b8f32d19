package io.voiceagent.transfer;

import io.voiceagent.media.MediaSession;
import io.voiceagent.sip.SdpEndpoint;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallListener;
import io.voiceagent.sip.SipUserAgent;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * How the person's leg of a bridged transfer is placed, as the service places its calls: in SIP mode
 * an INVITE through the registered trunk ({@link #throughTrunk}); in Exolve HTTP mode a MakeCall whose
 * audio leg then arrives as an inbound INVITE (package {@code call}, which matches inbound INVITEs).
 * Either way the leg's events reach the transfer as {@link io.voiceagent.sip.SipCallEvent}s, so busy,
 * no answer, failure, answer and hang-up are handled in one place whatever placed the leg.
 */
public interface PersonDialer {

    /** A leg being placed or up. */
    @FunctionalInterface
    interface Dialed {
        /** CANCEL or BYE, or the hang-up at the provider; nothing once the person ended it. Idempotent. */
        void hangUp();
    }

    /**
     * Places a call to {@code target} (E.164 digits) for the customer's call {@code callId}, with its audio
     * on {@code media}; the leg's events go to {@code listener}. Returns at once.
     */
    Dialed dial(String callId, String target, MediaSession media, SipCallListener listener);

    /** SIP mode: an INVITE through {@code sip}, sent once the RTP socket's STUN mapping is known, as a call's first. */
    static PersonDialer throughTrunk(SipUserAgent sip, LongSupplier sdpSessionIds) {
        Objects.requireNonNull(sip, "sip");
        Objects.requireNonNull(sdpSessionIds, "sdpSessionIds");
        return (callId, target, media, listener) -> {
            AtomicBoolean closed = new AtomicBoolean();
            AtomicReference<SipCall> dialog = new AtomicReference<>();
            media.rtpMapping().thenAccept(mapping -> {
                if (closed.get()) {
                    return;
                }
                SdpEndpoint ours = sip.sdpEndpoint(media.localPort(), mapping);
                SessionDescription offer = SessionDescription.offer(ours.address(), ours.port(),
                        sdpSessionIds.getAsLong());
                // Under the customer's call id, so that one grep follows both legs.
                SipCall call = sip.dial(callId, target, offer, listener);
                dialog.set(call);
                if (closed.get()) {
                    call.hangup();
                }
            });
            return () -> {
                if (closed.compareAndSet(false, true)) {
                    SipCall call = dialog.get();
                    if (call != null) {
                        call.hangup();
                    }
                }
            };
        };
    }
}
