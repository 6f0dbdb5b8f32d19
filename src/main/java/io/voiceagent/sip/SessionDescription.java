package io.voiceagent.sip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The part of an SDP body (RFC 4566) that an audio call needs: where to send RTP, which payload
 * types in which order of preference, packet time and direction. One audio stream only.
 */
public record SessionDescription(String origin, long sessionId, long version, String address, int port,
                                 List<Format> formats, int ptimeMs, Direction direction) {

    public SessionDescription {
        Objects.requireNonNull(address, "address");
        formats = List.copyOf(formats);
        Objects.requireNonNull(direction, "direction");
    }

    /** One payload type from the m= line with its rtpmap (and fmtp, when present). */
    public record Format(int payloadType, String encoding, int clockRate, Optional<String> fmtp) {
        public boolean isTelephoneEvent() {
            return encoding.equalsIgnoreCase("telephone-event");
        }
    }

    public enum Direction {
        SENDRECV, SENDONLY, RECVONLY, INACTIVE;

        String attribute() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Format PCMU = new Format(0, "PCMU", 8000, Optional.empty());
    public static final Format PCMA = new Format(8, "PCMA", 8000, Optional.empty());
    public static final Format TELEPHONE_EVENT = new Format(101, "telephone-event", 8000, Optional.of("0-16"));

    /** Our offer (and our answer to an inbound offer): PCMU, PCMA, telephone-event/101, 20 ms, sendrecv. */
    public static SessionDescription offer(String address, int port, long sessionId) {
        return new SessionDescription("voiceagent", sessionId, sessionId, address, port,
                List.of(PCMU, PCMA, TELEPHONE_EVENT), 20, Direction.SENDRECV);
    }

    /** The same description with the version bumped, as a re-offer in the same session must (RFC 3264 §8). */
    public SessionDescription nextVersion() {
        return new SessionDescription(origin, sessionId, version + 1, address, port, formats, ptimeMs, direction);
    }

    /** The first audio codec we can speak (PCMU or PCMA), in the order the description lists them. */
    public Optional<Format> firstSupportedCodec() {
        return formats.stream()
                .filter(f -> f.encoding().equalsIgnoreCase("PCMU") || f.encoding().equalsIgnoreCase("PCMA"))
                .findFirst();
    }

    public Optional<Format> telephoneEvent() {
        return formats.stream().filter(Format::isTelephoneEvent).findFirst();
    }

    /** An answer to this offer: our address and port, only the chosen codec and telephone-event. */
    public Optional<SessionDescription> answerWith(String ourAddress, int ourPort, long sessionId) {
        return firstSupportedCodec().map(codec -> {
            List<Format> chosen = new ArrayList<>(List.of(codec));
            telephoneEvent().ifPresent(chosen::add);
            return new SessionDescription("voiceagent", sessionId, sessionId, ourAddress, ourPort, chosen, 20,
                    Direction.SENDRECV);
        });
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("v=0\r\n");
        sb.append("o=").append(origin).append(' ').append(sessionId).append(' ').append(version)
                .append(" IN IP4 ").append(address).append("\r\n");
        sb.append("s=voiceagent\r\n");
        sb.append("c=IN IP4 ").append(address).append("\r\n");
        sb.append("t=0 0\r\n");
        sb.append("m=audio ").append(port).append(" RTP/AVP");
        for (Format f : formats) {
            sb.append(' ').append(f.payloadType());
        }
        sb.append("\r\n");
        for (Format f : formats) {
            sb.append("a=rtpmap:").append(f.payloadType()).append(' ').append(f.encoding()).append('/')
                    .append(f.clockRate()).append("\r\n");
            f.fmtp().ifPresent(p -> sb.append("a=fmtp:").append(f.payloadType()).append(' ').append(p).append("\r\n"));
        }
        sb.append("a=ptime:").append(ptimeMs).append("\r\n");
        sb.append("a=").append(direction.attribute()).append("\r\n");
        return sb.toString();
    }

    /**
     * Parses the first audio stream of an SDP body. Static payload types 0 and 8 need no rtpmap
     * (RFC 3551); a session-level c= applies unless the media has its own.
     */
    public static SessionDescription parse(String body) throws SdpException {
        String origin = "-";
        long sessionId = 0;
        long version = 0;
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<Integer> payloadTypes = new ArrayList<>();
        Map<Integer, String[]> rtpmaps = new LinkedHashMap<>();
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        int ptime = 20;
        Direction direction = Direction.SENDRECV;
        boolean inAudio = false;
        boolean seenAudio = false;
        // Attributes and c= of a video (or other) section before the audio one must not leak into it.
        boolean sessionLevel = true;
        for (String raw : body.split("\r?\n")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                sessionLevel = false;
                if (seenAudio) {
                    inAudio = false;
                    continue;
                }
                String[] parts = value.split(" +");
                inAudio = parts[0].equals("audio");
                if (!inAudio) {
                    continue;
                }
                seenAudio = true;
                if (parts.length < 4) {
                    throw new SdpException("m= line is incomplete: " + value);
                }
                port = parseInt(parts[1].split("/")[0], "m= port");
                for (int i = 3; i < parts.length; i++) {
                    payloadTypes.add(parseInt(parts[i], "payload type"));
                }
            } else if (type == 'o' && sessionLevel) {
                String[] parts = value.split(" +");
                if (parts.length >= 3) {
                    origin = parts[0];
                    sessionId = parseLongLenient(parts[1]);
                    version = parseLongLenient(parts[2]);
                }
            } else if (type == 'c') {
                String[] parts = value.split(" +");
                if (parts.length < 3) {
                    throw new SdpException("c= line is incomplete: " + value);
                }
                String addr = parts[2].split("/")[0];
                if (inAudio) {
                    mediaAddress = addr;
                } else if (sessionLevel) {
                    sessionAddress = addr;
                }
            } else if (type == 'a' && (inAudio || sessionLevel)) {
                int colon = value.indexOf(':');
                String name = colon < 0 ? value : value.substring(0, colon);
                String arg = colon < 0 ? "" : value.substring(colon + 1).strip();
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "rtpmap" -> {
                        String[] parts = arg.split(" +", 2);
                        if (parts.length == 2) {
                            rtpmaps.put(parseInt(parts[0], "rtpmap payload type"), parts[1].split("/"));
                        }
                    }
                    case "fmtp" -> {
                        String[] parts = arg.split(" +", 2);
                        if (parts.length == 2) {
                            fmtps.put(parseInt(parts[0], "fmtp payload type"), parts[1]);
                        }
                    }
                    case "ptime" -> ptime = parseInt(arg, "ptime");
                    case "sendrecv" -> direction = Direction.SENDRECV;
                    case "sendonly" -> direction = Direction.SENDONLY;
                    case "recvonly" -> direction = Direction.RECVONLY;
                    case "inactive" -> direction = Direction.INACTIVE;
                    default -> {
                        // other attributes do not change how we send audio
                    }
                }
            }
        }
        if (!seenAudio) {
            throw new SdpException("no m=audio line");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new SdpException("no c= connection address for the audio stream");
        }
        List<Format> formats = new ArrayList<>();
        for (int pt : payloadTypes) {
            String[] map = rtpmaps.get(pt);
            Optional<String> fmtp = Optional.ofNullable(fmtps.get(pt));
            if (map != null) {
                int rate = map.length > 1 ? parseInt(map[1], "clock rate") : 8000;
                formats.add(new Format(pt, map[0], rate, fmtp));
            } else if (pt == 0) {
                formats.add(PCMU);
            } else if (pt == 8) {
                formats.add(PCMA);
            } else {
                formats.add(new Format(pt, "unknown", 8000, fmtp));
            }
        }
        return new SessionDescription(origin, sessionId, version, address, port, formats, ptime, direction);
    }

    private static int parseInt(String s, String what) throws SdpException {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new SdpException(what + " is not a number: " + s);
        }
    }

    private static long parseLongLenient(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
