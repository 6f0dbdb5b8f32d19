package io.voiceagent.transfer;

import io.voiceagent.media.MediaListener;
import io.voiceagent.media.MediaSession;
import io.voiceagent.media.RemoteMedia;
import io.voiceagent.sip.SessionDescription;
import io.voiceagent.sip.SipCallListener;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second call of a bridged transfer: placed through the {@link PersonDialer} as the service places
 * any call (an INVITE through the trunk, or MakeCall in Exolve HTTP mode), with a media session of its
 * own from the same engine (paced, latched, jitter-buffered and transcoded like any call's). Its
 * "agent formats" are the customer conversation's, mirrored, so that each leg's caller audio is exactly
 * what the other leg plays: the person's words go into the customer's agent-audio queue, and the
 * customer's into the person's.
 */
final class PersonLeg implements MediaListener {

    private final MediaSession media;
    private final TransferableCall customer;
    private final Runnable onMediaLost;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PersonDialer.Dialed dialed;

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

    /** Places the call to {@code target} through the service's {@link PersonDialer}. */
    void dial(Transfers transfers, String target, SipCallListener listener) {
        if (closed.get()) {
            return;
        }
        PersonDialer.Dialed placed = transfers.dialer.dial(customer.callId(), target, media, listener);
        dialed = placed;
        if (closed.get()) {
            placed.hangUp(); // hung up while it was being placed
        }
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

    /** Hangs the leg up (CANCEL, BYE or at the provider; nothing once the person ended it) and closes its media. */
    void hangUp() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        PersonDialer.Dialed placed = dialed;
        if (placed != null) {
            placed.hangUp();
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
