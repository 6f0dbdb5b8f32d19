package io.voiceagent.sip.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ai.AgentClient;
import io.voiceagent.call.CallJournal;
import io.voiceagent.call.CallManager;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.Config;
import io.voiceagent.config.TestConfigs;
import io.voiceagent.media.MediaEngine;
import io.voiceagent.media.TestMediaEngines;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.sip.RegistrationStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The call layer as production wires it in SIP mode (call manager, our SIP user agent, the media
 * engine on real sockets and the system clock), registered with a sipp carrier on loopback. The
 * agent never answers unless a test brings its own: these tests look at the phone leg.
 */
final class CallLayerUnderTest implements AutoCloseable {

    private final UserAgentUnderTest agent;
    private final MediaEngine engine;
    private final CallJournal journal;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final CallManager calls;
    final int rtpPortMin;
    final int rtpPortMax;

    CallLayerUnderTest(SippProcess sipp, Path dataDir, Duration rtpTimeout) throws Exception {
        this(sipp, dataDir, rtpTimeout, (request, listener) -> new CompletableFuture<>());
    }

    /** With {@code agents} standing in for ElevenLabs (a test that drives the agent's side). */
    CallLayerUnderTest(SippProcess sipp, Path dataDir, Duration rtpTimeout, AgentClient agents) throws Exception {
        this(sipp, dataDir, rtpTimeout, agents, TestConfigs.tools());
    }

    /** With {@code agents} and the phone tools' and AMD's settings. */
    CallLayerUnderTest(SippProcess sipp, Path dataDir, Duration rtpTimeout, AgentClient agents, Config.Tools tools)
            throws Exception {
        this(sipp.port(), dataDir, rtpTimeout, agents, tools);
    }

    /** Registered with the carrier (a registrar and proxy such as kamailio) at {@code serverPort} on loopback. */
    CallLayerUnderTest(int serverPort, Path dataDir, Duration rtpTimeout, AgentClient agents, Config.Tools tools)
            throws Exception {
        rtpPortMin = 20_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
        rtpPortMax = rtpPortMin + 99;
        agent = UserAgentUnderTest.start(serverPort);
        ServiceMetrics metrics = new ServiceMetrics();
        engine = TestMediaEngines.onLoopback(new Config.Rtp(rtpPortMin, rtpPortMax, rtpTimeout,
                Duration.ofSeconds(60), 0), System::nanoTime, new SplittableRandom(), metrics);
        journal = CallJournal.open(dataDir).journal();
        agent.awaitRegistration(RegistrationStatus.State.REGISTERED, Duration.ofSeconds(10));
        calls = new CallManager(new CallManager.Settings(CallMode.SIP, 2, 20, Duration.ofSeconds(30), 10,
                Config.AiConnect.RINGING, tools),
                agent.agent(), engine::open, agents, Optional.empty(),
                journal, List.of(), timers, Clock.systemUTC(), new SplittableRandom(), metrics);
    }

    String dial() throws Exception {
        return TestCalls.start(calls, TestCalls.request(SippOutboundCallInteropTest.NUMBER)).id();
    }

    CallRecord record(String id) {
        return calls.find(id).orElseThrow();
    }

    /** The call's RTP port, while it is live. */
    @SuppressWarnings("unchecked")
    Optional<Integer> rtpPort(String id) {
        return calls.mediaDebug(id).map(d -> (Map<String, Object>) d.get("media")).map(m -> (Integer) m.get("local_port"));
    }

    CallRecord awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        CallRecord call = record(id);
        while (!call.status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            call = record(id);
        }
        assertThat(call.status().isFinal()).as(call.toString()).isTrue();
        return call;
    }

    /** Unregisters, which ends sipp's registration "call". */
    void closeUserAgent() {
        agent.close();
    }

    /**
     * Hangs the call up, waits for its final record, unregisters and checks that sipp counted every
     * call of its scenario (the registration's included) a success.
     */
    CallRecord hangUp(SippProcess sipp, String id) throws Exception {
        calls.hangup(id);
        CallRecord ended = awaitEnd(id);
        closeUserAgent();
        sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        return ended;
    }

    @Override
    public void close() throws IOException {
        agent.close();
        engine.close();
        journal.close();
        timers.shutdownNow();
    }
}
