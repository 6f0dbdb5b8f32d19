package io.voiceagent.media;

import java.util.Optional;

/** The G.711 codec on the phone line, by its static RTP payload type (RFC 3551). */
enum LineCodec {
    PCMU(0, G711.ULAW_SILENCE),
    PCMA(8, G711.ALAW_SILENCE);

    static final int SAMPLE_RATE = 8000;
    static final int SAMPLES_PER_PACKET = 160;

    final int payloadType;
    final byte silence;

    LineCodec(int payloadType, byte silence) {
        this.payloadType = payloadType;
        this.silence = silence;
    }

    static Optional<LineCodec> fromPayloadType(int payloadType) {
        for (LineCodec codec : values()) {
            if (codec.payloadType == payloadType) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }

    short decode(byte code) {
        return this == PCMU ? G711.ulawToLinear(code) : G711.alawToLinear(code);
    }
}
