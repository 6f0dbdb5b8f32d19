package io.voiceagent.media;

import io.voiceagent.rtp.RtpPacket;
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

/** A far end whose SDP says a=ptime:60: we receive its 60 ms packets whole and send ours at 20 ms. */
class PacketTimeTest {

    private final FakeClockMedia media = new FakeClockMedia(Duration.ofSeconds(30), Duration.ofSeconds(600));

    @AfterEach
    void close() {
        media.close();
    }

    @Test
    void sixtyMillisecondPacketsReachTheAgentWholeAndOursStayTwentyMilliseconds() throws Exception {
        DatagramSocket phone = media.host("127.0.0.1");
        MediaSession session = media.engine.open("call", 20, media.listener);
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
        session.connect(Remotes.sendrecv(addressOf(phone), 0, 101));
        session.answered();
        for (int i = 0; i < 5; i++) {
            send(phone, RtpPacket.of(false, 0, 10 + i, 480L * i, 7, FakeClockMedia.filled(480, 0x30 + i)),
                    session.localPort());
        }
        await(() -> session.stats().packetsIn() == 5);
        media.advance(100);
        await(() -> media.agentHeard(0x34));
        List<Byte> heard = media.listener.userAudio.stream().map(chunk -> chunk[0])
                .filter(b -> b != G711.ULAW_SILENCE).toList();
        assertThat(heard).as("three 20 ms chunks from each 60 ms packet, in order").containsExactly(
                (byte) 0x30, (byte) 0x30, (byte) 0x30, (byte) 0x31, (byte) 0x31, (byte) 0x31, (byte) 0x32, (byte) 0x32,
                (byte) 0x32, (byte) 0x33, (byte) 0x33, (byte) 0x33, (byte) 0x34, (byte) 0x34, (byte) 0x34);
        assertThat(receive(phone, (int) session.stats().packetsOut()))
                .allSatisfy(wire -> assertThat(RtpPacket.parse(wire).orElseThrow().payload()).hasSize(160));
    }
}
