package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SipMessageTest {

    private static SipMessage parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(bytes, bytes.length).orElseThrow();
    }

    @Test
    void understandsCompactFormsFoldingAndCombinedVias() {
        SipMessage message = parse("INVITE sip:bob@biloxi.com SIP/2.0\r\n"
                + "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashds8, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK77\r\n"
                + "t: Bob\r\n <sip:bob@biloxi.com>\r\n"
                + "f: <sip:alice@atlanta.com>;tag=1928301774\r\n"
                + "i: a84b4c76e66710\r\n"
                + "CSEQ: 314159 INVITE\r\n"
                + "l: 4\r\n\r\nbodyEXTRA");

        assertThat(message.headers("Via")).hasSize(2);
        assertThat(message.topBranch()).isEqualTo("z9hG4bKnashds8");
        assertThat(message.header("To")).contains("Bob <sip:bob@biloxi.com>");
        assertThat(message.callId()).isEqualTo("a84b4c76e66710");
        assertThat(message.cseqNumber()).isEqualTo(314159);
        assertThat(message.method()).isEqualTo("INVITE");
        assertThat(message.body()).isEqualTo("body"); // Content-Length bounds the body
    }

    @Test
    void responseCopiesTheDialogHeadersAddsTheTagAndCountsTheBody() {
        SipMessage request = parse("BYE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                + "To: <sip:bob@biloxi.com>\r\nFrom: <sip:a@b>;tag=x\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n"
                + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");

        String response = new String(request.response(200, "OK", "t1", List.of(new SipMessage.Header("Allow", "BYE")),
                "hé").toBytes(), StandardCharsets.UTF_8);

        assertThat(response).isEqualTo("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                + "To: <sip:bob@biloxi.com>;tag=t1\r\nFrom: <sip:a@b>;tag=x\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n"
                + "Allow: BYE\r\nContent-Length: 3\r\n\r\nhé");
    }

    @Test
    void dropsWhatIsNotSip() {
        byte[] keepAlive = "\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] shortBody = "OPTIONS sip:x SIP/2.0\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.UTF_8);

        assertThat(SipMessage.parse(keepAlive, keepAlive.length)).isEmpty();
        assertThat(SipMessage.parse(shortBody, shortBody.length)).isEmpty();
    }

    @Test
    void readsUriPartsAndParameters() {
        String to = "\"Bob\" <sip:+79990001122@demo.voiceagent.local:5060;user=phone>;tag=a6c85cf";

        assertThat(SipMessage.param(to, "tag")).contains("a6c85cf");
        assertThat(SipMessage.param(to, "user")).isEmpty();
        assertThat(SipMessage.uri(to)).isEqualTo("sip:+79990001122@demo.voiceagent.local:5060;user=phone");
        assertThat(SipMessage.userOf(SipMessage.uri(to))).isEqualTo("+79990001122");
        assertThat(SipMessage.hostPortOf(SipMessage.uri(to))).isEqualTo("demo.voiceagent.local:5060");
    }
}
