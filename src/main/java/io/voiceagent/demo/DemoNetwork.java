package io.voiceagent.demo;

import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.demo.agent.AudioProbe;
import io.voiceagent.demo.agent.FakeAgentOptions;
import io.voiceagent.demo.agent.FakeElevenLabsAgent;
import io.voiceagent.demo.carrier.DemoCarrier;
import io.voiceagent.demo.carrier.DemoCarrierOptions;
import io.voiceagent.demo.carrier.RtpProbe;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The built-in demo network: a simulated carrier (registrar, proxy and phones) and a simulated
 * ElevenLabs agent, both on loopback. The service reaches them only through its real SIP, RTP and
 * WebSocket code; {@link #configure} points a config at them as if they were Exolve and ElevenLabs.
 */
public final class DemoNetwork implements AutoCloseable {
    public static final String SIP_LOGIN = "demo";
    public static final String AGENT_ID = "demo-agent";
    public static final Secret SIP_PASSWORD = Secret.of("demo-password");
    public static final Secret AGENT_API_KEY = Secret.of("demo-xi-key");

    private final DemoCarrier carrier;
    private final FakeElevenLabsAgent agent;

    private DemoNetwork(DemoCarrier carrier, FakeElevenLabsAgent agent) {
        this.carrier = carrier;
        this.agent = agent;
    }

    /**
     * Starts the demo carrier and agent on ephemeral loopback ports. {@code record} keeps what the
     * phones heard and what the agent received, for tests; a long-running demo leaves it off, since
     * each call's audio would otherwise stay in memory.
     */
    public static DemoNetwork start(boolean record) throws IOException {
        return start(carrierOptions().withRecordAudio(record), agentOptions().toBuilder().recordTraffic(record).build(),
                RtpProbe.NONE, AudioProbe.NONE);
    }

    /** The carrier's settings with the demo account: start from these to change a few. */
    public static DemoCarrierOptions carrierOptions() {
        return DemoCarrierOptions.defaults(SIP_LOGIN, SIP_PASSWORD);
    }

    /** The agent's settings with the demo agent id and key: start from these to change a few. */
    public static FakeAgentOptions agentOptions() {
        return FakeAgentOptions.defaults().toBuilder().agentId(AGENT_ID).apiKey(AGENT_API_KEY.reveal())
                .turnTimeout(Duration.ofSeconds(7)).build();
    }

    /** Starts the network with these settings and measurement probes (the benchmark's). */
    public static DemoNetwork start(DemoCarrierOptions carrierOptions, FakeAgentOptions agentOptions,
                                    RtpProbe rtpProbe, AudioProbe audioProbe) throws IOException {
        FakeElevenLabsAgent agent = FakeElevenLabsAgent.start(agentOptions, new SecureRandom(), audioProbe);
        try {
            DemoCarrier carrier = DemoCarrier.start(carrierOptions, rtpProbe);
            return new DemoNetwork(carrier, agent);
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** {@code config} with the carrier as SIP server and the simulated agent as ElevenLabs. */
    public Config configure(Config config) {
        return config.withDemoNetwork(carrier.host(), carrier.port(), SIP_LOGIN, SIP_PASSWORD,
                agent.webSocketUri(), agent.apiUri(), AGENT_ID, AGENT_API_KEY);
    }

    public DemoCarrier carrier() {
        return carrier;
    }

    public FakeElevenLabsAgent agent() {
        return agent;
    }

    @Override
    public void close() {
        carrier.close();
        agent.close();
    }
}
