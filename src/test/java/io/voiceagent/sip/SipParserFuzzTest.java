package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mutated messages are either parsed or rejected with a SipParseException, never anything else. */
class SipParserFuzzTest {

    static final String BASE = String.join("\r\n",
            "INVITE sip:79161234567@sip.exolve.ru SIP/2.0",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKabc",
            "From: \"A \\\"B\\\"\" <sip:user@sip.exolve.ru>;tag=1",
            "To: <sip:79161234567@sip.exolve.ru>",
            "Call-ID: fuzz@10.0.0.1",
            "CSeq: 1 INVITE",
            "Contact: <sip:user@10.0.0.1:5060>",
            "Max-Forwards: 70",
            "Content-Type: application/sdp",
            "Content-Length: 20",
            "",
            "v=0\r\nc=IN IP4 1.2.3.4");

    @Test
    void randomMutationsNeverThrowAnythingButParseErrors() {
        SplittableRandom random = new SplittableRandom(4475);
        byte[] base = BASE.getBytes(StandardCharsets.UTF_8);
        String alphabet = "\r\n :;,<>\"\\/=@%0123456789aZ\t";
        int parsed = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] data = base.clone();
            int length = data.length;
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(length);
                switch (random.nextInt(3)) {
                    case 0 -> data[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                    case 1 -> data[at] = (byte) random.nextInt(256);
                    default -> length = Math.max(1, at);
                }
            }
            try {
                SipMessage message = SipParser.parse(data, length);
                message.cseq();
                message.topVia();
                parsed++;
            } catch (SipParseException expected) {
                // rejected with a reason: fine
            }
        }
        assertThat(parsed).isPositive();
    }
}
