package io.voiceagent.media;

import io.voiceagent.config.TestConfigs;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.rtp.TelephoneEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session on a fake clock: the test moves time and runs the pacing clock's ticks itself (listener
 * callbacks run inside them), while packets travel over real UDP on loopback to and from a socket
 * playing the phone.
 */
class MediaSessionBehaviourTest {

    private static final long MS = 1_000_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final AtomicLong now = new AtomicLong(1_000_000 * MS);
    private MediaEngine engine;
    private DatagramSocket phone;
    private final RecordingListener listener = new RecordingListener();
    private MediaSession session;
    private int packetsRead;

    @BeforeEach
    void start() throws Exception {
        int base = 20_000 + 2 * ThreadLocalRandom.current().nextInt(15_000);
        engine = TestMediaEngines.drivenByTest(TestConfigs.rtp(base, base + 40, Duration.ofSeconds(2)), now::get,
                new SplittableRandom(3), new InlineExecutor(), new ServiceMetrics());
        phone = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        phone.setSoTimeout(1000);
    }

    @AfterEach
    void stop() {
        engine.close();
        phone.close();
    }

    private void openUlawCall(int chunkMs) throws Exception {
        session = engine.open("call", chunkMs, listener);
        session.connect(Remotes.sendrecv(new InetSocketAddress(LOOPBACK, phone.getLocalPort()), 0, 101));
        session.setAgentFormats(AgentAudioFormat.ULAW_8000, AgentAudioFormat.ULAW_8000);
    }

    private void advance(long millis) {
        TestMediaEngines.advance(engine, now, millis);
    }

    /** Every packet the session sent since the last call, in order. */
    private List<RtpPacket> newPackets() throws Exception {
        List<RtpPacket> out = new ArrayList<>();
        byte[] buffer = new byte[1500];
        while (packetsRead < session.stats().packetsOut()) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            phone.receive(datagram);
            out.add(RtpPacket.parse(buffer, 0, datagram.getLength()).orElseThrow());
            packetsRead++;
        }
        return out;
    }

    private void phoneSends(DatagramSocket from, RtpPacket packet) throws Exception {
        byte[] wire = packet.toBytes();
        from.send(new DatagramPacket(wire, wire.length, new InetSocketAddress(LOOPBACK, session.localPort())));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000 * MS;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as("condition within 2 s").isTrue();
    }

    private static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) value);
        return out;
    }

    @Test
    void theGreetingsFirstPacketLeavesOnTheFirstTickAfterTheAnswer() throws Exception {
        openUlawCall(20);
        session.playAgentAudio(filled(1600, 0x10));
        advance(200);
        List<RtpPacket> ringing = newPackets();
        assertThat(ringing).hasSizeBetween(9, 11).allSatisfy(p -> {
            assertThat(p.payload()).containsOnly(G711.ULAW_SILENCE);
            assertThat(p.marker()).isFalse();
        });
        session.answered();
        advance(20);
        List<RtpPacket> answered = newPackets();
        assertThat(answered).hasSize(1);
        assertThat(answered.get(0).marker()).isTrue();
        assertThat(answered.get(0).payload()).containsOnly(0x10);
    }

    @Test
    void packetsCarry160SamplesEach20MsWithConsecutiveSequenceNumbers() throws Exception {
        openUlawCall(20);
        session.answered();
        advance(1000);
        List<RtpPacket> packets = newPackets();
        assertThat(packets).hasSizeBetween(49, 51);
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).sequenceNumber()).isEqualTo((packets.get(i - 1).sequenceNumber() + 1) & 0xFFFF);
            assertThat(packets.get(i).timestamp()).isEqualTo((packets.get(i - 1).timestamp() + 160) & 0xFFFFFFFFL);
            assertThat(packets.get(i).ssrc()).isEqualTo(packets.get(0).ssrc());
            assertThat(packets.get(i).payload()).hasSize(160).containsOnly(G711.ULAW_SILENCE);
        }
        // After a stall the timestamp jumps with real time while sequence numbers stay consecutive.
        now.addAndGet(200 * MS);
        advance(40);
        List<RtpPacket> after = newPackets();
        RtpPacket last = packets.get(packets.size() - 1);
        assertThat(after.get(0).sequenceNumber()).isEqualTo((last.sequenceNumber() + 1) & 0xFFFF);
        long jump = (after.get(0).timestamp() - last.timestamp()) & 0xFFFFFFFFL;
        assertThat(jump).as("200 ms of timestamp").isEqualTo(160 * 10);
    }

    @Test
    void anInterruptionEmptiesTheQueueBeforeTheNextTick() throws Exception {
        openUlawCall(20);
        session.answered();
        session.playAgentAudio(filled(16000, 0x22));
        advance(60);
        assertThat(newPackets()).allSatisfy(p -> assertThat(p.payload()).containsOnly(0x22));
        CountDownLatch drained = new CountDownLatch(1);
        session.whenQueueDrained(drained::countDown);
        session.interrupt();
        advance(20);
        assertThat(newPackets()).singleElement().satisfies(p -> assertThat(p.payload()).containsOnly(G711.ULAW_SILENCE));
        assertThat(drained.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(session.debug()).containsEntry("agent_queue_ms", 0L);
    }

    @Test
    void theMarkerBitStartsEachUtteranceAfterSilence() throws Exception {
        openUlawCall(20);
        session.answered();
        session.playAgentAudio(filled(320, 0x30));
        advance(100);
        session.playAgentAudio(filled(160, 0x31));
        advance(40);
        List<RtpPacket> audio = newPackets().stream().filter(p -> p.payload()[0] != G711.ULAW_SILENCE).toList();
        assertThat(audio).extracting(RtpPacket::marker).containsExactly(true, false, true);
    }

    @Test
    void queueDrainActionsRunAfterTheLastQueuedPacketIsSent() throws Exception {
        openUlawCall(20);
        session.answered();
        session.playAgentAudio(filled(800, 0x40));
        CountDownLatch drained = new CountDownLatch(1);
        session.whenQueueDrained(drained::countDown);
        advance(60);
        assertThat(drained.getCount()).isEqualTo(1);
        advance(60);
        assertThat(drained.await(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anInterruptionUnderAThirtySecondBurstSilencesTheVeryNextTick() throws Exception {
        openUlawCall(20);
        session.answered();
        // 30 s of agent speech, streamed ahead of the phone as the real service does: queued at once
        for (int i = 0; i < 1500; i++) {
            session.playAgentAudio(filled(160, 0x50));
        }
        advance(100);
        List<RtpPacket> played = newPackets();
        assertThat(played).isNotEmpty().allSatisfy(p -> assertThat(p.payload()).containsOnly(0x50));
        assertThat(session.debug()).containsEntry("agent_queue_ms", 30_000L - 20L * played.size());

        session.interrupt();
        // audio of the interrupted turn still arriving after it is the call's to drop (by event id), not the queue's
        advance(20);

        assertThat(newPackets()).singleElement()
                .satisfies(p -> assertThat(p.payload()).containsOnly(G711.ULAW_SILENCE));
        assertThat(session.debug()).containsEntry("agent_queue_ms", 0L);
    }

    @Test
    void pastTheBufferTheOldestAgentAudioIsDroppedAndCounted() throws Exception {
        openUlawCall(20);
        session.answered();
        for (int i = 0; i < 130; i++) {
            session.playAgentAudio(filled(8000, i < 10 ? 0x31 : 0x32));
        }

        assertThat(session.debug()).containsEntry("agent_queue_ms", 120_000L)
                .containsEntry("agent_audio_dropped_ms", 10_000L);
        advance(20);
        assertThat(newPackets()).isNotEmpty().allSatisfy(p -> assertThat(p.payload()).containsOnly(0x32));
    }

    @Test
    void beforeTheAnswerTheAgentHearsSilenceNeverTheEarlyMedia() throws Exception {
        openUlawCall(20);
        for (int i = 0; i < 3; i++) {
            phoneSends(phone, RtpPacket.of(false, 0, 100 + i, 160L * i, 42, filled(160, 0x11)));
        }
        await(() -> session.stats().packetsIn() == 3);
        advance(100);
        assertThat(listener.userAudio).as("silence keeps the ringing conversation alive").hasSizeBetween(4, 6)
                .allSatisfy(chunk -> assertThat(chunk).hasSize(160).containsOnly(G711.ULAW_SILENCE));

        session.answered();
        phoneSends(phone, RtpPacket.of(false, 0, 103, 480, 42, filled(160, 0x12)));
        await(() -> listener.userAudio.stream().anyMatch(chunk -> chunk[0] == 0x12));
        assertThat(listener.userAudio.getLast()).containsOnly(0x12);
        assertThat(listener.firstPackets.get()).isEqualTo(1);
    }

    @Test
    void agentAudioIsHeldForTheAnswerAndPlaysFromTheNextTick() throws Exception {
        openUlawCall(20);
        session.playAgentAudio(filled(8000 * 5, 0x22));
        advance(100);
        assertThat(newPackets()).isNotEmpty()
                .allSatisfy(p -> assertThat(p.payload()).containsOnly(G711.ULAW_SILENCE));

        session.answered();
        advance(20);

        assertThat(newPackets()).singleElement().satisfies(p -> assertThat(p.payload()).containsOnly(0x22));
        assertThat(session.debug()).containsEntry("agent_queue_ms", 4_980L);
    }

    @Test
    void callerAudioIsDeliveredInChunksOfTheConfiguredLength() throws Exception {
        openUlawCall(100);
        session.answered();
        for (int i = 0; i < 10; i++) {
            if (i != 3) { // a lost packet becomes silence, keeping the stream's timing
                phoneSends(phone, RtpPacket.of(false, 0, 500 + i, 160L * i, 42, filled(160, 0x13)));
            }
        }
        await(() -> listener.userAudio.size() == 2);
        assertThat(listener.userAudio).allSatisfy(chunk -> assertThat(chunk).hasSize(800));
        assertThat(Arrays.copyOfRange(listener.userAudio.get(0), 480, 640)).containsOnly(G711.ULAW_SILENCE);
        assertThat(session.stats().lost()).isEqualTo(1);
    }

    @Test
    void whileThePhoneSendsNothingTheAgentHearsSilenceEvery20Ms() throws Exception {
        openUlawCall(20);
        session.answered();
        advance(1000);
        await(() -> listener.userAudio.size() >= 45);
        assertThat(listener.userAudio).hasSizeBetween(45, 47)
                .allSatisfy(chunk -> assertThat(chunk).hasSize(160).containsOnly(G711.ULAW_SILENCE));
        phoneSends(phone, RtpPacket.of(false, 0, 1, 0, 7, filled(160, 0x17)));
        await(() -> listener.userAudio.stream().anyMatch(chunk -> chunk[0] == 0x17));
        int count = listener.userAudio.size();
        advance(40);
        assertThat(listener.userAudio).as("no fill while packets flow").hasSize(count);
    }

    @Test
    void whileTheReceiveThreadIsBehindThePhonesWaitingPacketsAreNotTakenForSilence() throws Exception {
        openUlawCall(20);
        session.answered();
        for (int i = 0; i < 5; i++) {
            phoneSends(phone, RtpPacket.of(false, 0, i, 160L * i, 7, filled(160, 0x21)));
        }
        await(() -> listener.userAudio.size() == 5);
        // Hold the receive thread in another socket's handler, as a preempted or paused thread would be.
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DatagramChannel elsewhere = DatagramChannel.open()) {
            elsewhere.bind(new InetSocketAddress(LOOPBACK, 0));
            engine.receiver().register(elsewhere, (data, length, source, nowNanos) -> {
                inHandler.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                stranger.send(new DatagramPacket(new byte[1], 1, elsewhere.getLocalAddress()));
            }
            assertThat(inHandler.await(2, TimeUnit.SECONDS)).isTrue();
            for (int i = 5; i < 30; i++) {
                phoneSends(phone, RtpPacket.of(false, 0, i, 160L * i, 7, filled(160, 0x22)));
            }
            TestMediaEngines.advanceClockOnly(engine, now, 500); // the clock runs on; the receive thread does not
            assertThat(listener.userAudio).as("no silence fed while the phone's packets wait").hasSize(5);
            release.countDown();
            await(() -> listener.userAudio.size() >= 30);
        }
        List<Byte> heard = listener.userAudio.stream().map(chunk -> chunk[0]).toList();
        assertThat(heard.subList(0, 5)).containsOnly((byte) 0x21);
        assertThat(heard.subList(5, heard.size())).as("the waiting frames, no silence among them")
                .hasSize(25).containsOnly((byte) 0x22);
    }

    @Test
    void aNewSourceOnTheSameAddressIsFollowedFromItsFirstPacket() throws Exception {
        openUlawCall(20);
        session.answered();
        for (int i = 0; i < 3; i++) {
            phoneSends(phone, RtpPacket.of(false, 0, 100 + i, 160L * i, 1111, filled(160, 0x21)));
        }
        phoneSends(phone, RtpPacket.of(true, 0, 40000, 999_000, 2222, filled(160, 0x22)));
        phoneSends(phone, RtpPacket.of(false, 0, 40001, 999_160, 2222, filled(160, 0x23)));
        await(() -> listener.userAudio.stream().anyMatch(chunk -> chunk[0] == 0x23));
        List<Byte> heard = listener.userAudio.stream().map(chunk -> chunk[0])
                .filter(b -> b != G711.ULAW_SILENCE).toList();
        assertThat(heard).containsExactly((byte) 0x21, (byte) 0x21, (byte) 0x21, (byte) 0x22, (byte) 0x23);
        assertThat(session.stats().lost()).isZero();
    }

    @Test
    void silenceOnTheLineForTheTimeoutReportsAMediaTimeoutOnce() throws Exception {
        openUlawCall(20);
        session.answered();
        advance(1900);
        assertThat(listener.timeouts.get()).isZero();
        phoneSends(phone, RtpPacket.of(false, 0, 1, 0, 7, filled(160, 0x14)));
        await(() -> session.stats().packetsIn() == 1);
        advance(1900);
        // Callbacks run inside the tick (InlineExecutor): once advance returns, a timeout due would have been told.
        assertThat(listener.timeouts.get()).isZero();
        advance(200);
        assertThat(listener.timeouts.get()).isEqualTo(1);
        advance(5000);
        assertThat(listener.timeouts.get()).isEqualTo(1);
    }

    @Test
    void telephoneEventsBecomeOneDigitPerKeyPress() throws Exception {
        openUlawCall(20);
        session.answered();
        int seq = 10;
        for (long eventTs : new long[]{8000, 16000}) {
            for (int d = 1; d <= 7; d++) {
                TelephoneEvent event = new TelephoneEvent(eventTs == 8000 ? 5 : 11, d >= 5, 10, 160 * Math.min(d, 5));
                byte[] payload = new byte[4];
                event.writeTo(payload, 0);
                phoneSends(phone, RtpPacket.of(d == 1, 101, seq++, eventTs, 7, payload));
            }
        }
        await(() -> session.stats().packetsIn() == 14);
        await(() -> listener.digits.length() == 2);
        assertThat(listener.digits).hasToString("5#");
    }

    @Test
    void digitsAreSentAsTelephoneEvents() throws Exception {
        openUlawCall(20);
        session.answered();
        CompletableFuture<Void> sent = session.sendDtmf("9").orElseThrow();
        advance(200);
        sent.get(5, TimeUnit.SECONDS);
        List<RtpPacket> packets = newPackets();
        List<RtpPacket> events = packets.stream().filter(p -> p.payloadType() == 101).toList();
        assertThat(events).hasSize(7);
        assertThat(events.get(0).marker()).isTrue();
        assertThat(events).extracting(RtpPacket::timestamp).containsOnly(events.get(0).timestamp());
        assertThat(events).extracting(p -> TelephoneEvent.parse(p.payload()).orElseThrow().end())
                .containsExactly(false, false, false, false, true, true, true);
        assertThat(events).extracting(p -> TelephoneEvent.parse(p.payload()).orElseThrow().event()).containsOnly(9);
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).sequenceNumber()).isEqualTo((packets.get(i - 1).sequenceNumber() + 1) & 0xFFFF);
        }
    }

    @Test
    void digitsNotYetSentWhenTheSessionClosesFailTheirRequest() throws Exception {
        openUlawCall(20);
        session.answered();
        CompletableFuture<Void> sent = session.sendDtmf("123").orElseThrow();
        advance(20);
        session.close();
        assertThat(sent).isCancelled();
        assertThatThrownBy(() -> session.sendDtmf("1x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutANegotiatedTelephoneEventNoDigitsAreSent() throws Exception {
        session = engine.open("call", 20, listener);
        session.connect(Remotes.sendrecv(new InetSocketAddress(LOOPBACK, phone.getLocalPort()), 0, -1));
        assertThat(session.sendDtmf("1")).isEmpty();
    }

    @Test
    void pcmAgentsGetResampledAudioBothWays() throws Exception {
        session = engine.open("call", 20, listener);
        session.connect(Remotes.sendrecv(new InetSocketAddress(LOOPBACK, phone.getLocalPort()), 0, 101));
        session.setAgentFormats(AgentAudioFormat.PCM_16000, AgentAudioFormat.PCM_16000);
        session.answered();
        for (int i = 0; i < 5; i++) {
            phoneSends(phone, RtpPacket.of(false, 0, 100 + i, 160L * i, 7, filled(160, 0x20)));
        }
        await(() -> listener.userAudio.size() == 5);
        assertThat(listener.userAudio.get(1)).hasSize(640);
        session.playAgentAudio(new byte[640 * 5]);
        advance(200);
        assertThat(newPackets()).allSatisfy(p -> assertThat(p.payload()).hasSize(160));
        // 100 ms in; the filter keeps back its look-ahead of about 2 ms until more audio comes.
        assertThat(session.stats().aiAudioReceivedMs()).isBetween(95L, 100L);
    }

    @Test
    void aListenerMayEndItsCallFromItsOwnCallback() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        MediaSession[] self = new MediaSession[1];
        self[0] = engine.open("call", 20, new RecordingListener() {
            @Override
            public void onDtmf(char digit) {
                self[0].close();
                ended.countDown();
            }
        });
        session = self[0];
        session.connect(Remotes.sendrecv(new InetSocketAddress(LOOPBACK, phone.getLocalPort()), 0, 101));
        byte[] payload = new byte[4];
        new TelephoneEvent(1, true, 10, 800).writeTo(payload, 0);
        // Closed on the receive thread, the session must not wait for that thread to close its sockets: it would
        // give up after a second and say so in a warning.
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(RtpMediaSession.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            phoneSends(phone, RtpPacket.of(true, 101, 1, 0, 7, payload));
            assertThat(ended.await(2, TimeUnit.SECONDS)).isTrue();
            await(() -> engine.portsInUse() == 0);
        } finally {
            log.removeHandler(capture);
        }
        assertThat(warnings).noneMatch(message -> message.contains("slow to close"));
    }

    @Test
    void closingReleasesThePortAndStopsSending() throws Exception {
        openUlawCall(20);
        int port = session.localPort();
        assertThat(engine.portsInUse()).isEqualTo(1);
        session.close();
        session.close();
        assertThat(engine.portsInUse()).isZero();
        assertThat(engine.pacer().registered()).isZero();
        try (DatagramSocket reuse = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            assertThat(reuse.getLocalPort()).isEqualTo(port);
        }
    }
}
