package io.voiceagent.media;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RtpReceiverTest {

    private static final long MS = 1_000_000;

    @Test
    void anIdleReceiverKeepsUpWithTheClockByLookingAgainOnItsOwn() throws Exception {
        AtomicLong now = new AtomicLong(5_000 * MS);
        try (RtpReceiver receiver = new RtpReceiver(now::get)) {
            assertThat(receiver.caughtUpToNanos()).isEqualTo(5_000 * MS);
            now.set(7_000 * MS); // nothing arrives and nobody wakes it
            awaitCaughtUpTo(receiver, 7_000 * MS);
        }
    }

    @Test
    void aRoundInProgressDoesNotCountAsCaughtUp() throws Exception {
        AtomicLong now = new AtomicLong(5_000 * MS);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RtpReceiver receiver = new RtpReceiver(now::get);
             DatagramChannel channel = DatagramChannel.open();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            receiver.register(channel, (data, length, source, nowNanos) -> {
                inHandler.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            now.set(6_000 * MS);
            sender.send(new DatagramPacket(new byte[12], 12, channel.getLocalAddress()));
            assertThat(inHandler.await(2, TimeUnit.SECONDS)).isTrue();
            long roundBegan = receiver.caughtUpToNanos();
            now.set(9_000 * MS);
            receiver.lookNow();
            assertThat(receiver.caughtUpToNanos()).as("still inside the round").isEqualTo(roundBegan);
            release.countDown();
            awaitCaughtUpTo(receiver, 9_000 * MS);
        }
    }

    private static void awaitCaughtUpTo(RtpReceiver receiver, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000 * MS;
        while (receiver.caughtUpToNanos() != nanos && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(receiver.caughtUpToNanos()).as("caught up within 2 s").isEqualTo(nanos);
    }
}
