package io.voiceagent.sip.interop;

import static io.voiceagent.sip.interop.UserAgentUnderTest.LOGIN;
import static io.voiceagent.sip.interop.UserAgentUnderTest.PASSWORD;
import static io.voiceagent.sip.interop.UserAgentUnderTest.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallManager;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.HoldPeriod;
import io.voiceagent.call.StartCallRequest;
import io.voiceagent.config.Config;
import io.voiceagent.media.MediaEngine;
import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.sip.RegistrationStatus;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sipp as the carrier puts an answered call on hold (re-INVITE with a=sendonly and c=0.0.0.0) and
 * resumes it, against the call layer with real SIP and real media: the answers say recvonly then
 * sendrecv (checked by sipp), our RTP stops during the hold and comes back after it, the hold
 * outlasts the RTP timeout without ending the call, and the record shows the hold period. The
 * phone's RTP is a socket of this test, which sends while the call is not held.
 */
@Timeout(60)
class SippHoldInteropTest {

    private static final Duration RTP_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void theCalleeHoldsAndResumesAndOurAudioFollowsWithoutAMediaTimeout() throws Exception {
        int rtpBase = 20_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
        List<Instant> arrivals = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SippProcess sipp = SippProcess.uas("invite-hold-resume.xml")
                     .key("auth_realm", REALM).key("auth_user", LOGIN).key("auth_password", PASSWORD)
                     .key("phone_rtp_port", Integer.toString(phone.getLocalPort()))
                     .calls(2).timeout(Duration.ofSeconds(40)).start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(sipp.port());
             MediaEngine engine = new MediaEngine(new Config.Rtp(rtpBase, rtpBase + 99, RTP_TIMEOUT,
                     Duration.ofSeconds(60)), "127.0.0.1", System::nanoTime, new SplittableRandom());
             CallJournal journal = CallJournal.open(dir.resolve("data")).journal()) {
            agent.awaitRegistration(RegistrationStatus.State.REGISTERED, Duration.ofSeconds(10));
            CallManager calls = new CallManager(new CallManager.Settings(CallMode.SIP, 2, 20, Duration.ofSeconds(30), 10),
                    agent.agent(), engine::open, (request, listener) -> new CompletableFuture<>(), Optional.empty(), journal,
                    List.of(), timers, Clock.systemUTC(), new SplittableRandom());
            String id = calls.start(StartCallRequest.of(SippOutboundCallInteropTest.NUMBER)).id();

            Thread listening = Thread.ofVirtual().start(() -> receive(phone, arrivals));
            Thread talking = Thread.ofVirtual().start(() -> talkWhileNotHeld(phone, calls, id));
            CallRecord ended = awaitEnd(calls, id);
            talking.join();
            listening.interrupt();
            agent.close();
            // sipp checked that our answers said recvonly, then sendrecv
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));

            assertThat(ended.hangupCause()).as("not media_timeout: " + ended).contains("remote_hangup");
            assertThat(ended.holds()).hasSize(1);
            HoldPeriod hold = ended.holds().get(0);
            Instant resumed = hold.end().orElseThrow();
            assertThat(Duration.between(hold.start(), resumed)).isGreaterThan(RTP_TIMEOUT);
            assertThat(arrivals).as("RTP before the hold").anyMatch(at -> at.isBefore(hold.start()));
            assertThat(arrivals).as("RTP after the resume").anyMatch(at -> at.isAfter(resumed));
            // A packet of the tick that was running as the hold began may still arrive just after it.
            Instant settled = hold.start().plusMillis(100);
            assertThat(arrivals).as("no RTP during the hold").noneMatch(at -> at.isAfter(settled) && at.isBefore(resumed));
            @SuppressWarnings("unchecked")
            Map<String, Object> media = (Map<String, Object>) ended.toJson(Instant.now()).get("media");
            assertThat(media.get("rtp_rejected")).isEqualTo(Map.of("foreign_source", 0L, "learning", 0L, "malformed", 0L));
        } finally {
            timers.shutdownNow();
        }
    }

    private static void receive(DatagramSocket phone, List<Instant> arrivals) {
        byte[] buffer = new byte[1500];
        try {
            phone.setSoTimeout(200);
            while (!Thread.currentThread().isInterrupted()) {
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                try {
                    phone.receive(datagram);
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                if (RtpPacket.parse(buffer, 0, datagram.getLength()).isPresent()) {
                    arrivals.add(Instant.now());
                }
            }
        } catch (java.io.IOException closed) {
            // the test is over
        }
    }

    /** PCMA every 20 ms from the answer to the end, except while the record shows an open hold. */
    private static void talkWhileNotHeld(DatagramSocket phone, CallManager calls, String id) {
        int sequence = 0;
        try {
            while (true) {
                CallRecord call = calls.find(id).orElseThrow();
                if (call.status().isFinal()) {
                    return;
                }
                boolean held = !call.holds().isEmpty() && call.holds().get(call.holds().size() - 1).end().isEmpty();
                Optional<Integer> ourPort = ourRtpPort(calls, id);
                if (call.answeredAt().isPresent() && !held && ourPort.isPresent()) {
                    byte[] wire = RtpPacket.of(false, 8, sequence, 160L * sequence, 0x5EED, new byte[160]).toBytes();
                    sequence++;
                    phone.send(new DatagramPacket(wire, wire.length,
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), ourPort.get())));
                }
                Thread.sleep(20);
            }
        } catch (java.io.IOException | InterruptedException e) {
            // the test is over
        }
    }

    @SuppressWarnings("unchecked")
    private static Optional<Integer> ourRtpPort(CallManager calls, String id) {
        return calls.mediaDebug(id).map(d -> (Map<String, Object>) d.get("media")).map(m -> (Integer) m.get("local_port"));
    }

    private static CallRecord awaitEnd(CallManager calls, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        CallRecord call = calls.find(id).orElseThrow();
        while (!call.status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            call = calls.find(id).orElseThrow();
        }
        assertThat(call.status().isFinal()).as(call.toString()).isTrue();
        return call;
    }
}
