package io.voiceagent.demo.ws;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** Reads client-to-server frames and enforces the framing rules of RFC 6455 section 5. */
final class FrameReader {
    private final InputStream in;
    private final long maxPayloadBytes;

    FrameReader(InputStream in, long maxPayloadBytes) {
        this.in = Objects.requireNonNull(in, "in");
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Blocks for the next frame; {@link EOFException} when the peer closed TCP between or inside frames. */
    Frame read() throws IOException, WebSocketProtocolException {
        int first = readByte();
        int second = readByte();
        boolean fin = (first & 0x80) != 0;
        if ((first & 0x70) != 0) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "RSV bits set but no extension was negotiated");
        }
        int opcode = first & 0x0F;
        boolean masked = (second & 0x80) != 0;
        long length = second & 0x7F;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
            if (length < 0) {
                throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "64-bit payload length has its most significant bit set");
            }
        }
        if (!masked) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "client frames must be masked");
        }
        boolean control = (opcode & 0x8) != 0;
        if (control && !fin) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "control frames must not be fragmented");
        }
        if (control && length > 125) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "control frame payload longer than 125 bytes");
        }
        if (length > maxPayloadBytes) {
            throw new WebSocketProtocolException(CloseCodes.MESSAGE_TOO_BIG, "frame of " + length + " bytes exceeds the limit of " + maxPayloadBytes);
        }
        byte[] mask = readExactly(4);
        byte[] payload = readExactly((int) length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(fin, opcode, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed by peer");
        }
        return b;
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("connection closed inside a frame");
        }
        return bytes;
    }
}
