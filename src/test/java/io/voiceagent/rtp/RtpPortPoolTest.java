package io.voiceagent.rtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpPortPoolTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<RtpPortPool.Sockets> open = new ArrayList<>();

    /** Returns the scripted draws in order, then walks from zero. */
    private static RandomGenerator draws(Integer... indexes) {
        ArrayDeque<Integer> script = new ArrayDeque<>(List.of(indexes));
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                Integer next = script.poll();
                return next == null ? 0 : next % bound;
            }
        };
    }

    private static int base() {
        return 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
    }

    private RtpPortPool.Sockets bind(RtpPortPool pool) throws IOException {
        RtpPortPool.Sockets sockets = pool.bind();
        open.add(sockets);
        return sockets;
    }

    private static int port(java.nio.channels.DatagramChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @AfterEach
    void close() throws IOException {
        for (RtpPortPool.Sockets sockets : open) {
            sockets.rtp().close();
            sockets.rtcp().close();
        }
    }

    @Test
    void eachCallGetsTheEvenPortItsRandomDrawNamesWithRtcpOnTheNextOne() throws Exception {
        int base = base();
        RtpPortPool pool = new RtpPortPool(LOOPBACK, base, base + 19, draws(7, 2));
        RtpPortPool.Sockets first = bind(pool);
        RtpPortPool.Sockets second = bind(pool);
        assertThat(first.rtpPort()).isEqualTo(base + 14);
        assertThat(port(first.rtp())).isEqualTo(base + 14);
        assertThat(port(first.rtcp())).isEqualTo(base + 15);
        assertThat(second.rtpPort()).isEqualTo(base + 4);
        assertThat(port(second.rtcp())).isEqualTo(base + 5);
        assertThat(pool.inUse()).isEqualTo(2);
    }

    @Test
    void aPairWhoseRtpOrRtcpPortIsBusyIsSkippedAndAFullRangeIsReported() throws Exception {
        int base = base() + 1; // odd: the pool starts one higher
        RtpPortPool pool = new RtpPortPool(LOOPBACK, base, base + 4, draws(0, 0, 1));
        try (DatagramSocket busyRtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, base + 2))) {
            assertThat(busyRtcp.getLocalPort()).isEqualTo(base + 2);
            RtpPortPool.Sockets sockets = bind(pool);
            assertThat(sockets.rtpPort()).as("pair 0 has its RTCP port taken").isEqualTo(base + 3);
            assertThatThrownBy(() -> bind(pool)).isInstanceOf(IOException.class).hasMessageContaining("RTP_PORT_MIN");
        }
    }

    @Test
    void aReleasedPairCanBeDrawnAgain() throws Exception {
        int base = base();
        RtpPortPool pool = new RtpPortPool(LOOPBACK, base, base + 3, draws(0, 0, 0));
        RtpPortPool.Sockets sockets = bind(pool);
        sockets.rtp().close();
        sockets.rtcp().close();
        pool.release(sockets.rtpPort());
        assertThat(pool.inUse()).isZero();
        assertThat(bind(pool).rtpPort()).isEqualTo(base);
    }

    @Test
    void successiveCallsDoNotGetNeighbouringPorts() throws Exception {
        int base = base();
        RtpPortPool pool = new RtpPortPool(LOOPBACK, base, base + 1999, new SplittableRandom(11));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ports.add(bind(pool).rtpPort());
        }
        int neighbours = 0;
        for (int i = 1; i < ports.size(); i++) {
            neighbours += Math.abs(ports.get(i) - ports.get(i - 1)) == 2 ? 1 : 0;
        }
        assertThat(ports).allSatisfy(p -> assertThat(p % 2).isZero()).doesNotHaveDuplicates();
        assertThat(neighbours).as("a scanner cannot step from one live call to the next: " + ports).isZero();
    }

    @Test
    void aRangeWithoutRoomForRtpAndRtcpIsRefused() {
        assertThatThrownBy(() -> new RtpPortPool(LOOPBACK, 30001, 30002, new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RtpPortPool(LOOPBACK, 30000, 30000, new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
