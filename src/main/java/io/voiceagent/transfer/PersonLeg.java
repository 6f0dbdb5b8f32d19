package io.voiceagent.transfer;

import io.voiceagent.media.MediaListener;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.RemoteMedia;
import io.voiceagent.sip.SdpEndpoint;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCall;
import io.voiceagent.sip.SipCallListener;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second call of a bridged transfer: an INVITE to the person through the same SIP user agent and
 * trunk, and a media session of its own from the same engine (paced, latched, jitter-buffered and
 * transcoded like any call's). Its "agent formats" are the customer conversation's, mirrored, so
 * that each leg's caller audio is exactly what the other leg plays: the person's words go into the
 * customer's agent-audio queue, and the customer's into the person's.
 */
final class PersonLeg implements MediaListener {

    private final MediaSession media;
    private final TransferableCall customer;
    private final Runnable onMediaLost;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SipCall sip;

    private PersonLeg(Transfers transfers, TransferableCall customer, TransferableCall.AgentFormats formats,
                      Runnable onMediaLost) throws IOException {
        this.customer = customer;
        this.onMediaLost = onMediaLost;
        this.media = transfers.mediaSessions.open(customer.callId() + "-transfer", 20, this);
        media.setAgentFormats(formats.agentOutput(), formats.userInput());
    }

    /** Opens the leg's media (its RTP port); {@code onMediaLost} runs when its RTP stops or it stays held. */
    static PersonLeg open(Transfers transfers, TransferableCall customer, TransferableCall.AgentFormats formats,
                          Runnable onMediaLost) throws IOException {
        return new PersonLeg(transfers, customer, formats, onMediaLost);
    }

    /** Dials {@code target} once the RTP socket's STUN mapping is known, as a call's first INVITE is. */
    void dial(Transfers transfers, String target, SipCallListener listener) {
        media.rtpMapping().thenAccept(mapping -> {
            if (closed.get()) {
                return;
            }
            SdpEndpoint ours = transfers.sip.sdpEndpoint(media.localPort(), mapping);
            SessionDescription offer = SessionDescription.offer(ours.address(), ours.port(),
                    transfers.sdpSessionIds.getAsLong());
            // Under the customer's call id, so that one grep follows both legs.
            SipCall call = transfers.sip.dial(customer.callId(), target, offer, listener);
            sip = call;
            if (closed.get()) {
                call.hangup();
            }
        });
    }

    Optional<String> sipCallId() {
        SipCall call = sip;
        return call == null ? Optional.empty() : Optional.of(call.callId());
    }

    /** Points the leg's media at the person's SDP; false when it offers no codec we speak. */
    boolean connect(SessionDescription remote) {
        Optional<RemoteMedia> far = SdpMedia.remoteMedia(remote);
        far.ifPresent(media::connect);
        return far.isPresent();
    }

    /** The person answered: their audio flows to the customer, the customer's (queued by the relay) to them. */
    void answered() {
        media.answered();
    }

    /** The customer's audio, in the agent's input format: played to the person. Runs on a media thread. */
    void play(byte[] customerAudio) {
        media.playAgentAudio(customerAudio);
    }

    /** CANCEL or BYE (whichever fits; nothing when the person ended it) and the media closed. Idempotent. */
    void hangUp() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        SipCall call = sip;
        if (call != null) {
            call.hangup();
        }
        media.close();
    }

    @Override
    public void onUserAudio(byte[] chunk) {
        customer.media().playAgentAudio(chunk);
    }

    @Override
    public void onDtmf(char digit) {
        // The person's keys are not passed on: the customer's phone would not hear them as tones anyway.
    }

    @Override
    public void onFirstPacket() {
    }

    @Override
    public void onMediaTimeout() {
        onMediaLost.run();
    }

    @Override
    public void onHoldTimeout() {
        onMediaLost.run();
    }
}
