package io.voiceagent.demo.ws;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Writes unmasked server-to-client frames (RFC 6455 section 5.1: a server must not mask). */
final class FrameWriter {
    private final OutputStream out;

    FrameWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    void write(boolean fin, int opcode, byte[] payload) throws IOException {
        int length = payload.length;
        out.write((fin ? 0x80 : 0) | opcode);
        if (length <= 125) {
            out.write(length);
        } else if (length <= 0xFFFF) {
            out.write(126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
        out.write(payload);
        out.flush();
    }
}
