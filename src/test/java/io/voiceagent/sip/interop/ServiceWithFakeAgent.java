package io.voiceagent.sip.interop;

import io.voiceagent.app.Module;
import io.voiceagent.config.ConfigLoader;
import io.voiceagent.demo.agent.FakeAgentOptions;
import io.voiceagent.demo.agent.FakeElevenLabsAgent;

import java.util.HashMap;
import java.util.Map;

/**
 * The service as its own process, wired by {@link Module} from the environment exactly as
 * {@code voiceagent start} does, with the fake ElevenLabs agent in the same process on loopback
 * (the namespace test runs it inside a network namespace, where the test's JVM cannot reach).
 * The agent does not interrupt itself on echoed speech (barge-in off), answers once and ends the call.
 * Prints {@code READY <http port>} once started and runs until it is killed (the test's teardown).
 */
public final class ServiceWithFakeAgent {

    private ServiceWithFakeAgent() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> environment = new HashMap<>(System.getenv());
        try (FakeElevenLabsAgent agent = FakeElevenLabsAgent.start(FakeAgentOptions.defaults().toBuilder()
                .agentId(environment.get("ELEVENLABS_AGENT_ID"))
                .apiKey(environment.get("ELEVENLABS_API_KEY"))
                .bargeIn(false)
                .endCallAfterReply(true)
                .build())) {
            environment.put("ELEVENLABS_WS_URL", agent.webSocketUri().toString());
            environment.put("ELEVENLABS_API_URL", agent.apiUri().toString());
            try (Module module = Module.start(ConfigLoader.fromMap(environment))) {
                System.out.println("READY " + module.httpPort());
                System.out.flush();
                Thread.currentThread().join();
            }
        }
    }
}
