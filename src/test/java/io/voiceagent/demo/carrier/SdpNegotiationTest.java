package io.voiceagent.demo.carrier;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class SdpNegotiationTest {

    private static String offer(String mLine, String... attributes) {
        return "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" + mLine + "\r\n"
                + String.join("\r\n", attributes) + "\r\n";
    }

    @Test
    void choosesPcmaWheneverOfferedLikeExolve() {
        SdpNegotiation.Agreed agreed = SdpNegotiation.negotiate(offer("m=audio 40000 RTP/AVP 0 8 101",
                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16")).orElseThrow();

        assertThat(agreed.law()).isEqualTo(G711.Law.A_LAW);
        assertThat(agreed.audioPayloadType()).isEqualTo(8);
        assertThat(agreed.telephoneEventPayloadType()).isEqualTo(101);
        assertThat(agreed.remoteRtp()).isEqualTo(new InetSocketAddress("10.0.0.1", 40000));

        String answer = SdpNegotiation.answer(agreed, "127.0.0.1", 30000, 42);
        assertThat(answer).contains("c=IN IP4 127.0.0.1\r\n", "m=audio 30000 RTP/AVP 8 101\r\n",
                "a=rtpmap:8 PCMA/8000\r\n", "a=rtpmap:101 telephone-event/8000\r\n", "a=ptime:20\r\n", "a=sendrecv\r\n")
                .doesNotContain("PCMU");
    }

    @Test
    void fallsBackToPcmuWithoutTelephoneEvent() {
        SdpNegotiation.Agreed agreed = SdpNegotiation.negotiate(offer("m=audio 40002 RTP/AVP 0")).orElseThrow();

        assertThat(agreed.law()).isEqualTo(G711.Law.MU_LAW);
        assertThat(agreed.hasTelephoneEvent()).isFalse();
        assertThat(SdpNegotiation.answer(agreed, "127.0.0.1", 30000, 42)).contains("m=audio 30000 RTP/AVP 0\r\n")
                .doesNotContain("telephone-event");
    }

    @Test
    void usesTheMediaLevelConnectionAndDynamicPayloadTypes() {
        SdpNegotiation.Agreed agreed = SdpNegotiation.negotiate(offer("m=audio 40004 RTP/AVP 96\r\nc=IN IP4 10.0.0.9",
                "a=rtpmap:96 PCMA/8000")).orElseThrow();

        assertThat(agreed.audioPayloadType()).isEqualTo(96);
        assertThat(agreed.remoteRtp()).isEqualTo(new InetSocketAddress("10.0.0.9", 40004));
    }

    @Test
    void refusesAnOfferWithoutG711() {
        assertThat(SdpNegotiation.negotiate(offer("m=audio 40006 RTP/AVP 9", "a=rtpmap:9 G722/8000"))).isEmpty();
        assertThat(SdpNegotiation.negotiate("garbage")).isEmpty();
    }
}
