package io.voiceagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The configuration slices tests build by hand, with what a test does not care about at the values
 * {@link ConfigLoader} gives when nothing is set: one place, so that a new setting is added here once.
 */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** RTP ports {@code portMin..portMax}, the default hold timeout. */
    public static Config.Rtp rtp(int portMin, int portMax, Duration mediaTimeout) {
        return new Config.Rtp(portMin, portMax, mediaTimeout, Config.Rtp.DEFAULT_HOLD_TIMEOUT, 0);
    }

    /**
     * SIP as user1 of sip.exolve.ru at {@code serverHost:serverPort}, registering for an hour; no public
     * IP, no SIP_TRUSTED_PEERS, no STUN. Ports 0..0 bind an ephemeral port.
     */
    public static Config.Sip sip(String password, String serverHost, int serverPort, int portMin, int portMax,
                                 Duration ringTimeout) {
        return new Config.Sip("user1", Secret.of(password), "sip.exolve.ru", serverHost, serverPort, portMin,
                portMax, Optional.empty(), 3600, ringTimeout, List.of(), Optional.empty());
    }

    /** The agent's phone tools as {@link ConfigLoader} reads them when nothing is set. */
    public static Config.Tools tools() {
        return tools(Config.VoicemailAction.HANGUP, Config.Amd.DEFAULTS);
    }

    /** The agent's phone tools with transfers at their defaults. */
    public static Config.Tools tools(Config.VoicemailAction voicemailAction, Config.Amd amd) {
        return new Config.Tools(voicemailAction, amd, Config.Transfer.DEFAULTS);
    }
}
