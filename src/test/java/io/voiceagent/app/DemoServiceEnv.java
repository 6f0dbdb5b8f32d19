package io.voiceagent.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The environment of a whole service on the demo network for an end-to-end test: the API on an
 * ephemeral port, the journal in the test's folder, and SIP and RTP port ranges drawn at random so
 * that test classes running at the same time do not collide.
 */
public final class DemoServiceEnv {

    private DemoServiceEnv() {
    }

    /** That environment plus {@code extra} (which may not name the variables set here). */
    public static Map<String, String> onRandomPorts(Path dataDir, int rtpPorts, Map<String, String> extra) {
        int sipBase = ThreadLocalRandom.current().nextInt(30_000, 39_000);
        int rtpBase = ThreadLocalRandom.current().nextInt(20_000, 28_000) & ~1;
        Map<String, String> env = new HashMap<>(Map.of(
                "HTTP_PORT", "0",
                "DATA_DIR", dataDir.toString(),
                "SIP_PORT_MIN", Integer.toString(sipBase),
                "SIP_PORT_MAX", Integer.toString(sipBase + 50),
                "RTP_PORT_MIN", Integer.toString(rtpBase),
                "RTP_PORT_MAX", Integer.toString(rtpBase + rtpPorts)));
        extra.forEach((name, value) -> {
            if (env.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException(name + " is set by DemoServiceEnv");
            }
        });
        return env;
    }
}
