package io.voiceagent.media;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The far end's media as the latest offer/answer describes it.
 *
 * @param address                 its SDP address and port; the wildcard address (c=0.0.0.0, the RFC 2543
 *                                way to hold, RFC 3264 section 8.4) means send nothing
 * @param payloadType             the audio payload type: 0 PCMU or 8 PCMA
 * @param telephoneEventPayloadType the telephone-event payload type in the far end's SDP, -1 when none:
 *                                digits are sent on it
 * @param ourTelephoneEventPayloadType the one in our own SDP, -1 when none: some far ends send digits on
 *                                the number we offered rather than the one they answered with
 * @param farEndSends             its SDP direction is sendrecv or sendonly
 * @param farEndReceives          its SDP direction is sendrecv or recvonly
 */
public record RemoteMedia(InetSocketAddress address, int payloadType, int telephoneEventPayloadType,
                          int ourTelephoneEventPayloadType, boolean farEndSends, boolean farEndReceives) {

    public RemoteMedia {
        Objects.requireNonNull(address, "address");
    }

    /**
     * The far end has put us on hold: it asked us not to send (sendonly, inactive, or c=0.0.0.0).
     */
    public boolean holdsUs() {
        return !farEndReceives || wildcardAddress();
    }

    /** c=0.0.0.0 (or an address that did not resolve): there is nowhere to send anything, RTCP included. */
    public boolean wildcardAddress() {
        return address.getAddress() == null || address.getAddress().isAnyLocalAddress();
    }
}
