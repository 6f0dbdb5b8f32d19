package io.voiceagent.stun;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StunBindingTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Runs nothing by itself: the test fires the delayed tasks, so no test waits for a clock. */
    private static final class ManualScheduler implements StunClient.Scheduler {
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void schedule(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
        }

        void runNext() {
            tasks.remove(0).run();
        }
    }

    @Test
    void aBindingOverASharedSocketLearnsTheMappingAndLeavesSipAndRtpAlone() throws Exception {
        InetSocketAddress natMapping = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 40_123);
        try (StunResponder server = StunResponder.start(LOOPBACK, source -> natMapping);
             DatagramSocket socket = new DatagramSocket(LOOPBACK)) {
            StunClient client = new StunClient((delay, task) -> CompletableFuture.delayedExecutor(
                    delay.toMillis(), TimeUnit.MILLISECONDS).execute(task), new SplittableRandom(7),
                    StunClient.Policy.CALL_SETUP);
            CompletableFuture<InetSocketAddress> mapped = client.bind(server.address(),
                    (datagram, target) -> socket.send(new DatagramPacket(datagram, datagram.length, target)));

            byte[] buffer = new byte[1500];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            assertThat(client.offer(packet.getData(), 0, packet.getLength(),
                    (InetSocketAddress) packet.getSocketAddress())).isTrue();
            assertThat(mapped.get(5, TimeUnit.SECONDS)).isEqualTo(natMapping);
            assertThat(client.pendingTransactions()).isZero();

            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;
            byte[] sip = "INVITE sip:1@x SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] keepAlive = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte[] other : List.of(rtp, sip, keepAlive)) {
                assertThat(client.offer(other, 0, other.length, server.address())).isFalse();
            }
        }
    }

    @Test
    void anAnswerFromAnotherAddressOrWithAnotherIdCompletesNothing() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        StunClient client = new StunClient(scheduler, new SplittableRandom(1), StunClient.Policy.CALL_SETUP);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 3478);
        List<byte[]> sent = new ArrayList<>();
        CompletableFuture<InetSocketAddress> mapped = client.bind(server, (datagram, target) -> sent.add(datagram));
        byte[] request = sent.getFirst();
        InetSocketAddress natMapping = new InetSocketAddress(InetAddress.getByName("198.51.100.4"), 30_000);
        byte[] answer = successFor(request, natMapping);
        InetSocketAddress stranger = new InetSocketAddress(InetAddress.getByName("192.0.2.99"), 3478);

        assertThat(client.offer(answer, 0, answer.length, stranger)).isTrue();
        byte[] otherId = answer.clone();
        otherId[10] ^= 1;
        assertThat(client.offer(otherId, 0, otherId.length, server)).isTrue();
        assertThat(mapped).isNotDone();

        assertThat(client.offer(answer, 0, answer.length, server)).isTrue();
        assertThat(mapped).isCompletedWithValue(natMapping);
    }

    @Test
    void aSilentServerIsAskedThreeTimesWithDoublingIntervalsThenTheBindingFails() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        StunClient client = new StunClient(scheduler, new SplittableRandom(3), StunClient.Policy.CALL_SETUP);
        List<byte[]> sent = new ArrayList<>();
        CompletableFuture<InetSocketAddress> mapped = client.bind(
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 3478), (datagram, target) -> sent.add(datagram));

        scheduler.runNext();
        scheduler.runNext();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(1)).isEqualTo(sent.get(0)).isEqualTo(sent.get(2));
        assertThat(mapped).isNotDone();
        scheduler.runNext();

        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThatThrownBy(() -> mapped.get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StunClient.BindingFailed.class).hasMessageContaining("3 Binding requests");
        assertThat(client.pendingTransactions()).isZero();
    }

    @Test
    void ourRequestIsAValidBindingRequestWithAFingerprint() {
        byte[] id = new byte[12];
        new SplittableRandom(5).nextBytes(id);
        byte[] request = StunMessage.bindingRequest(id);

        assertThat(StunMessage.isStun(request, 0, request.length)).isTrue();
        StunMessage parsed = StunMessage.parse(request, 0, request.length).orElseThrow();
        assertThat(parsed.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(parsed.transactionId()).isEqualTo(id);
        byte[] corrupted = request.clone();
        corrupted[request.length - 1] ^= 1;
        assertThat(StunMessage.parse(corrupted, 0, corrupted.length)).isEmpty();
    }

    /** A success response the way RFC 5389 §15.2 lays it out, built here independently of the responder. */
    private static byte[] successFor(byte[] request, InetSocketAddress mapped) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
        b.putShort((short) 0x0101).putShort((short) 12).putInt(0x2112A442).put(request, 8, 12);
        b.putShort((short) 0x0020).putShort((short) 8).put((byte) 0).put((byte) 1)
                .putShort((short) (mapped.getPort() ^ 0x2112));
        byte[] address = mapped.getAddress().getAddress();
        byte[] cookie = {0x21, 0x12, (byte) 0xA4, 0x42};
        for (int i = 0; i < 4; i++) {
            b.put((byte) (address[i] ^ cookie[i]));
        }
        return b.array();
    }
}
