package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpPortPoolTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static int port(DatagramChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Test
    void handsOutEvenPortsInRangeSkippingBusyOnesAndReusesReleasedOnes() throws Exception {
        int base = 20_001 + 2 * ThreadLocalRandom.current().nextInt(15_000); // odd: the pool starts one higher
        RtpPortPool pool = new RtpPortPool(LOOPBACK, base, base + 6);
        List<DatagramChannel> open = new ArrayList<>();
        try (DatagramSocket busy = new DatagramSocket(new InetSocketAddress(LOOPBACK, base + 3))) {
            assertThat(busy.getLocalPort()).isEqualTo(base + 3);
            open.add(pool.bind());
            open.add(pool.bind());
            assertThat(port(open.get(0))).isEqualTo(base + 1);
            assertThat(port(open.get(1))).as("skips the busy port").isEqualTo(base + 5);
            assertThatThrownBy(pool::bind).isInstanceOf(IOException.class).hasMessageContaining("RTP_PORT_MIN");
            assertThat(pool.inUse()).isEqualTo(2);
            open.get(0).close();
            pool.release(base + 1);
            DatagramChannel again = pool.bind();
            open.add(again);
            assertThat(port(again)).isEqualTo(base + 1);
        } finally {
            for (DatagramChannel channel : open) {
                channel.close();
            }
        }
    }

    @Test
    void aRangeWithoutAnEvenPortIsRefused() {
        assertThatThrownBy(() -> new RtpPortPool(LOOPBACK, 30001, 30001)).isInstanceOf(IllegalArgumentException.class);
    }
}
