package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** SDP offer/answer for one audio stream (RFC 4566, RFC 3264). */
class SessionDescriptionTest {

    @Test
    void exolveStyleAnswerWithPcmaAndTelephoneEvent() throws Exception {
        SessionDescription answer = SessionDescription.parse("v=0\r\no=- 3890 3890 IN IP4 80.75.130.101\r\ns=-\r\n"
                + "c=IN IP4 80.75.130.101\r\nt=0 0\r\nm=audio 17234 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n");
        assertThat(answer.address()).isEqualTo("80.75.130.101");
        assertThat(answer.port()).isEqualTo(17234);
        assertThat(answer.firstSupportedCodec()).contains(SessionDescription.PCMA);
        assertThat(answer.telephoneEvent()).hasValueSatisfying(te -> {
            assertThat(te.payloadType()).isEqualTo(101);
            assertThat(te.fmtp()).contains("0-15");
        });
        assertThat(answer.sessionId()).isEqualTo(3890);
    }

    @Test
    void ourOfferRoundTrips() throws Exception {
        SessionDescription offer = SessionDescription.offer("192.0.2.10", 30000, 42);
        String text = offer.format();
        assertThat(text).contains("m=audio 30000 RTP/AVP 0 8 101\r\n", "a=fmtp:101 0-16\r\n", "a=ptime:20\r\n",
                "a=sendrecv\r\n", "c=IN IP4 192.0.2.10\r\n");
        assertThat(SessionDescription.parse(text)).isEqualTo(offer);
    }

    @Test
    void staticPayloadTypesNeedNoRtpmapAndMediaConnectionWins() throws Exception {
        SessionDescription sdp = SessionDescription.parse("v=0\r\no=x 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                + "t=0 0\r\nm=audio 5004/2 RTP/AVP 0 8\r\nc=IN IP4 192.0.2.2/127\r\n");
        assertThat(sdp.address()).isEqualTo("192.0.2.2");
        assertThat(sdp.port()).isEqualTo(5004);
        assertThat(sdp.formats()).containsExactly(SessionDescription.PCMU, SessionDescription.PCMA);
    }

    @Test
    void attributesOfAVideoSectionBeforeAudioDoNotApplyToAudio() throws Exception {
        SessionDescription sdp = SessionDescription.parse("v=0\r\no=x 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                + "t=0 0\r\nm=video 5006 RTP/AVP 31\r\nc=IN IP4 192.0.2.9\r\na=sendonly\r\na=ptime:40\r\n"
                + "m=audio 5004 RTP/AVP 8\r\n");
        assertThat(sdp.direction()).isEqualTo(SessionDescription.Direction.SENDRECV);
        assertThat(sdp.address()).isEqualTo("192.0.2.1");
        assertThat(sdp.ptimeMs()).isEqualTo(20);
    }

    @Test
    void holdIsSeenInTheDirection() throws Exception {
        SessionDescription sdp = SessionDescription.parse("v=0\r\no=x 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
                + "t=0 0\r\nm=audio 5004 RTP/AVP 8\r\na=sendonly\r\n");
        assertThat(sdp.direction()).isEqualTo(SessionDescription.Direction.SENDONLY);
    }

    @Test
    void answerTakesTheFirstCodecWeSpeakInTheOffersOrder() throws Exception {
        SessionDescription offer = SessionDescription.parse("v=0\r\no=x 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                + "t=0 0\r\nm=audio 5004 RTP/AVP 9 8 0 101\r\na=rtpmap:9 G722/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n");
        SessionDescription answer = offer.answerWith("192.0.2.10", 30000, 7).orElseThrow();
        assertThat(answer.formats()).extracting(SessionDescription.Format::encoding)
                .containsExactly("PCMA", "telephone-event");
        assertThat(SessionDescription.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 9\r\n")
                .answerWith("a", 1, 1)).isEmpty();
    }

    @Test
    void unusableBodiesAreRejectedWithAReason() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nc=IN IP4 1.2.3.4\r\n"))
                .isInstanceOf(SdpException.class).hasMessageContaining("m=audio");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nm=audio 1 RTP/AVP 0\r\n"))
                .isInstanceOf(SdpException.class).hasMessageContaining("c=");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio x RTP/AVP 0\r\n"))
                .isInstanceOf(SdpException.class).hasMessageContaining("port");
    }
}
