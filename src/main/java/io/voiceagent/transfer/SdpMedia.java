package io.voiceagent.transfer;

import io.voiceagent.media.RemoteMedia;
import io.voiceagent.sip.SessionDescription;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where a phone leg's media goes, from the far end's SDP: the one mapping from SIP's offer/answer to
 * a media session, used by the customer's leg and a transfer's person leg alike.
 */
public final class SdpMedia {

    private SdpMedia() {
    }

    /** The far end's media, or empty when it offers no codec we speak (PCMU, PCMA). */
    public static Optional<RemoteMedia> remoteMedia(SessionDescription remote) {
        Optional<SessionDescription.Format> codec = remote.firstSupportedCodec();
        if (codec.isEmpty()) {
            return Optional.empty();
        }
        int telephoneEvent = remote.telephoneEvent().map(SessionDescription.Format::payloadType).orElse(-1);
        SessionDescription.Direction direction = remote.direction();
        return Optional.of(new RemoteMedia(new InetSocketAddress(remote.address(), remote.port()),
                codec.get().payloadType(), telephoneEvent, SessionDescription.TELEPHONE_EVENT.payloadType(),
                direction == SessionDescription.Direction.SENDRECV || direction == SessionDescription.Direction.SENDONLY,
                direction == SessionDescription.Direction.SENDRECV || direction == SessionDescription.Direction.RECVONLY));
    }
}
