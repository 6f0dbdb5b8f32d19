package io.voiceagent.media;

import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.rtp.TelephoneEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;

import static io.voiceagent.media.FakeClockMedia.addressOf;
import static io.voiceagent.media.FakeClockMedia.await;
import static io.voiceagent.media.FakeClockMedia.receive;
import static io.voiceagent.media.FakeClockMedia.send;
import static org.assertj.core.api.Assertions.assertThat;

/** We offer telephone-event/101; the far end answers with its own number (here 96). */
class TelephoneEventPayloadTypesTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(30), Duration.ofSeconds(600));

    @AfterEach
    void close() {
        media.close();
    }

    private static RtpPacket keyPress(int payloadType, int event, int sequence, long timestamp) {
        byte[] payload = new byte[4];
        new TelephoneEvent(event, true, 10, 800).writeTo(payload, 0);
        return RtpPacket.of(true, payloadType, sequence, timestamp, 7, payload);
    }

    @Test
    void digitsArriveOnOurNumberAndOnTheAnswersAndLeaveOnTheAnswers() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        MediaSession session = media.engine.open("call", 20, media.listener);
        session.connect(new RemoteMedia(addressOf(phone), 0, 96, 101, true, true));
        session.answered();
        send(phone, keyPress(101, 5, 1, 1000), session.localPort());
        send(phone, keyPress(96, 7, 2, 2000), session.localPort());
        send(phone, keyPress(97, 9, 3, 3000), session.localPort());
        await(() -> session.stats().packetsIn() == 2 && media.listener.digits.length() == 2);
        assertThat(media.listener.digits).hasToString("57");

        assertThat(session.sendDtmf("3")).isPresent();
        media.advance(20);
        List<byte[]> sent = receive(phone, (int) session.stats().packetsOut());
        RtpPacket event = RtpPacket.parse(sent.get(sent.size() - 1)).orElseThrow();
        assertThat(event.payloadType()).isEqualTo(96);
        assertThat(TelephoneEvent.parse(event.payload()).orElseThrow().event()).isEqualTo(3);
    }
}
