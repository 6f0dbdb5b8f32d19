package io.voiceagent.tools;

import java.util.Arrays;
import java.util.Optional;

/** The tools this service runs on the phone line, by the names the agent calls them. */
public enum PhoneTool {
    /** Client tool {@code send_dtmf}, parameter {@code digits}. */
    SEND_DTMF("send_dtmf", "digits"),
    /** ElevenLabs' system tool {@code play_keypad_touch_tone}, parameter {@code dtmf_tones}. */
    PLAY_KEYPAD_TOUCH_TONE("play_keypad_touch_tone", "dtmf_tones"),
    /** Client tool {@code voicemail}, no parameters. */
    VOICEMAIL("voicemail", ""),
    /** ElevenLabs' system tool {@code voicemail_detection}. */
    VOICEMAIL_DETECTION("voicemail_detection", "");

    private final String wireName;
    private final String digitsParameter;

    PhoneTool(String wireName, String digitsParameter) {
        this.wireName = wireName;
        this.digitsParameter = digitsParameter;
    }

    public String wireName() {
        return wireName;
    }

    /** The parameter that carries the keys to press; empty for a tool that presses none. */
    String digitsParameter() {
        return digitsParameter;
    }

    public static Optional<PhoneTool> ofWireName(String name) {
        return Arrays.stream(values()).filter(tool -> tool.wireName.equals(name)).findFirst();
    }
}
