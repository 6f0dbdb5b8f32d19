package io.voiceagent.sip.interop;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests sipp, as a client, sends to the user agent outside any call. */
@Timeout(60)
@Tag("slow")
class SippFarEndRequestsInteropTest {

    @TempDir
    Path dir;

    @Test
    void optionsIsAnswered200WithAllowAndAccept() throws Exception {
        int agentPort = LoopbackPorts.freeUdpPort();
        // sipp retransmits its OPTIONS until the agent, started right after it, answers
        try (SippProcess sipp = SippProcess.client("options.xml", agentPort)
                .timeout(Duration.ofSeconds(20))
                .start(dir);
             UserAgentUnderTest agent = UserAgentUnderTest.start(sipp.port(), UserAgentUnderTest.LOGIN,
                     UserAgentUnderTest.PASSWORD, agentPort)) {
            // the scenario checks the 200's Allow (INVITE, BYE, OPTIONS) and Accept (application/sdp)
            sipp.assertAllCallsSucceeded(Duration.ofSeconds(15));
        }
    }
}
