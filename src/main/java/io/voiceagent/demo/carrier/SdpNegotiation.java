package io.voiceagent.demo.carrier;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The carrier's answer to an SDP offer (RFC 4566, RFC 3264): like Exolve it answers with one audio
 * codec, PCMA when offered and PCMU otherwise, plus telephone-event when the offer has it.
 */
final class SdpNegotiation {

    /** What was agreed: where the caller wants RTP, and the payload types to use. */
    record Agreed(InetSocketAddress remoteRtp, G711.Law law, int audioPayloadType, int telephoneEventPayloadType) {
        boolean hasTelephoneEvent() {
            return telephoneEventPayloadType >= 0;
        }
    }

    private SdpNegotiation() {
    }

    /** Empty when the offer has no usable audio stream (the INVITE then gets 488). */
    static Optional<Agreed> negotiate(String offer) {
        String connection = null;
        String mediaConnection = null;
        int port = -1;
        List<Integer> payloadTypes = new ArrayList<>();
        Map<Integer, String> encodings = new HashMap<>();
        for (String line : offer.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ")) {
                String address = line.substring(9).strip();
                if (port < 0) {
                    connection = address;
                } else {
                    mediaConnection = address;
                }
            } else if (line.startsWith("m=audio ") && port < 0) {
                String[] parts = line.substring(8).strip().split(" +");
                try {
                    port = Integer.parseInt(parts[0]);
                    for (int i = 2; i < parts.length; i++) {
                        payloadTypes.add(Integer.parseInt(parts[i]));
                    }
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            } else if (line.startsWith("a=rtpmap:")) {
                String[] parts = line.substring(9).strip().split(" ", 2);
                try {
                    encodings.put(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "");
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        String address = mediaConnection != null ? mediaConnection : connection;
        if (address == null || port <= 0 || port > 65535) {
            return Optional.empty();
        }
        int pcma = offeredPayloadType(payloadTypes, encodings, 8, "pcma/8000");
        int pcmu = offeredPayloadType(payloadTypes, encodings, 0, "pcmu/8000");
        if (pcma < 0 && pcmu < 0) {
            return Optional.empty();
        }
        G711.Law law = pcma >= 0 ? G711.Law.A_LAW : G711.Law.MU_LAW;
        int audio = pcma >= 0 ? pcma : pcmu;
        int event = payloadTypes.stream().filter(pt -> encodings.getOrDefault(pt, "").startsWith("telephone-event/8000"))
                .findFirst().orElse(-1);
        return Optional.of(new Agreed(new InetSocketAddress(address, port), law, audio, event));
    }

    /** The SDP answer body for our phone's RTP address. */
    static String answer(Agreed agreed, String localAddress, int localPort, long sessionId) {
        StringBuilder sdp = new StringBuilder(256)
                .append("v=0\r\n")
                .append("o=demo-carrier ").append(sessionId).append(' ').append(sessionId)
                .append(" IN IP4 ").append(localAddress).append("\r\n")
                .append("s=demo call\r\n")
                .append("c=IN IP4 ").append(localAddress).append("\r\n")
                .append("t=0 0\r\n")
                .append("m=audio ").append(localPort).append(" RTP/AVP ").append(agreed.audioPayloadType());
        if (agreed.hasTelephoneEvent()) {
            sdp.append(' ').append(agreed.telephoneEventPayloadType());
        }
        sdp.append("\r\n").append("a=rtpmap:").append(agreed.audioPayloadType()).append(' ')
                .append(agreed.law() == G711.Law.A_LAW ? "PCMA/8000" : "PCMU/8000").append("\r\n");
        if (agreed.hasTelephoneEvent()) {
            sdp.append("a=rtpmap:").append(agreed.telephoneEventPayloadType()).append(" telephone-event/8000\r\n")
                    .append("a=fmtp:").append(agreed.telephoneEventPayloadType()).append(" 0-16\r\n");
        }
        return sdp.append("a=ptime:20\r\n").append("a=sendrecv\r\n").toString();
    }

    /** The offered payload type for a codec, -1 when absent; static types need no rtpmap (RFC 3551). */
    private static int offeredPayloadType(List<Integer> offered, Map<Integer, String> encodings, int staticType,
                                          String encoding) {
        for (int pt : offered) {
            String mapped = encodings.get(pt);
            if (mapped == null ? pt == staticType : mapped.startsWith(encoding)) {
                return pt;
            }
        }
        return -1;
    }
}
