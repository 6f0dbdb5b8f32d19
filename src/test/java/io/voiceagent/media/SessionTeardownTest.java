package io.voiceagent.media;

import io.voiceagent.config.TestConfigs;
import io.voiceagent.metrics.ServiceMetrics;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls come and go by the thousand without leaking sockets, ports or places on the clock. */
class SessionTeardownTest {

    private static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void aThousandCallsLeaveNothingBehind() throws Exception {
        int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        try (MediaEngine engine = TestMediaEngines.drivenByTest(TestConfigs.rtp(base, base + 200,
                Duration.ofSeconds(30)), System::nanoTime, new SplittableRandom(1),
                Executors.newVirtualThreadPerTaskExecutor(), new ServiceMetrics())) {
            int descriptorsBefore = -1;
            for (int round = 0; round <= 10; round++) {
                if (round == 1) {
                    // After a first round: the JDK opens its virtual-thread I/O pollers once, on first use.
                    descriptorsBefore = openFileDescriptors();
                }
                List<MediaSession> sessions = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    MediaSession session = engine.open("call-" + round + "-" + i, 20, new RecordingListener());
                    session.connect(Remotes.sendrecv(nowhere, 0, 101));
                    session.setAgentFormats(AgentAudioFormat.PCM_16000, AgentAudioFormat.PCM_16000);
                    session.answered();
                    session.playAgentAudio(new byte[3200]);
                    sessions.add(session);
                }
                assertThat(engine.portsInUse()).isEqualTo(100);
                sessions.forEach(MediaSession::close);
            }
            assertThat(engine.openSessions()).isZero();
            assertThat(engine.portsInUse()).isZero();
            assertThat(engine.pacer().registered()).isZero();
            assertThat(openFileDescriptors()).isEqualTo(descriptorsBefore);
        }
    }
}
