package io.voiceagent.media;

import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.stun.StunResponder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STUN over each call's own RTP socket (RFC 5389, demultiplexed from RTP by RFC 7983's first-byte
 * rule): the session learns the address and port a NAT maps it to, for the SDP, and the STUN answer
 * arriving on the RTP socket is neither audio nor a malformed packet.
 */
@Tag("slow")
class RtpStunMappingTest {

    @Test
    void eachSessionLearnsItsOwnMappingOverItsRtpSocket() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // Stands in for a port-changing NAT: every local port p is seen outside as 203.0.113.7:(p + 10000).
        try (StunResponder stun = StunResponder.start(loopback, source -> new InetSocketAddress(
                     "203.0.113.7", source.getPort() + 10_000));
             MediaEngine engine = new MediaEngine(rtpRange(), "127.0.0.1", System::nanoTime, new SplittableRandom(3),
                     Config.ElevenLabs.DEFAULT_AGENT_AUDIO_BUFFER,
                     Optional.of(new Config.StunServer("127.0.0.1", stun.address().getPort())),
                     new ServiceMetrics())) {
            MediaSession first = engine.open("call-a", 20, new RecordingListener());
            MediaSession second = engine.open("call-b", 20, new RecordingListener());

            Optional<InetSocketAddress> firstMapping = first.rtpMapping().toCompletableFuture().get(5, TimeUnit.SECONDS);
            Optional<InetSocketAddress> secondMapping = second.rtpMapping().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(firstMapping).contains(new InetSocketAddress("203.0.113.7", first.localPort() + 10_000));
            assertThat(secondMapping).contains(new InetSocketAddress("203.0.113.7", second.localPort() + 10_000));
            assertThat(stun.answered()).extracting(InetSocketAddress::getPort)
                    .containsExactlyInAnyOrder(first.localPort(), second.localPort());
            assertThat(first.debug()).containsEntry("packets_in", 0L);
            assertThat(first.debug().get("rejected")).isEqualTo(Map.of("foreign_source", 0L, "learning", 0L,
                    "malformed", 0L));
        }
    }

    @Test
    void withoutAnAnswerTheMappingIsEmptyAndTheCallGoesOn() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (StunResponder stun = StunResponder.start(loopback);
             MediaEngine engine = new MediaEngine(rtpRange(), "127.0.0.1", System::nanoTime, new SplittableRandom(3),
                     Config.ElevenLabs.DEFAULT_AGENT_AUDIO_BUFFER,
                     Optional.of(new Config.StunServer("127.0.0.1", stun.address().getPort())),
                     new ServiceMetrics())) {
            stun.goSilent();
            MediaSession session = engine.open("call-c", 20, new RecordingListener());

            assertThat(session.rtpMapping().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void withoutStunTheMappingIsEmptyAtOnce() throws Exception {
        try (MediaEngine engine = TestMediaEngines.onLoopback(rtpRange(), System::nanoTime, new SplittableRandom(3),
                new ServiceMetrics())) {
            MediaSession session = engine.open("call-d", 20, new RecordingListener());

            assertThat(session.rtpMapping().toCompletableFuture().getNow(Optional.of(new InetSocketAddress(1))))
                    .isEmpty();
        }
    }

    private static Config.Rtp rtpRange() {
        int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
        return TestConfigs.rtp(base, base + 40, Duration.ofSeconds(30));
    }
}
