package io.voiceagent.demo.agent;

/** How the fake sends an agent utterance's audio. */
public enum AudioPacing {
    /** One chunk per chunk duration, as a speaking voice would. */
    REAL_TIME,
    /** Every chunk at once, far faster than real time, as the real service often does after generating a reply. */
    BURST
}
