package io.voiceagent.media;

import java.net.InetSocketAddress;

/** Far ends as tests describe them. */
final class Remotes {
    private Remotes() {
    }

    /** A far end that sends and receives, with the same telephone-event number as ours (or none). */
    static RemoteMedia sendrecv(InetSocketAddress address, int payloadType, int telephoneEventPayloadType) {
        return new RemoteMedia(address, payloadType, telephoneEventPayloadType, telephoneEventPayloadType, true, true);
    }

    /** A far end that holds the call with a=sendonly: it may send (music), it wants nothing from us. */
    static RemoteMedia sendonly(InetSocketAddress address, int payloadType, int telephoneEventPayloadType) {
        return new RemoteMedia(address, payloadType, telephoneEventPayloadType, telephoneEventPayloadType, true, false);
    }
}
