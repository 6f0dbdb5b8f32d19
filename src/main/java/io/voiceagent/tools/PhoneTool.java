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
    VOICEMAIL_DETECTION("voicemail_detection", ""),
    /** Client tool {@code transfer_call}, parameters {@code phone_number} and (optional) {@code message}. */
    TRANSFER_CALL("transfer_call", "phone_number"),
    /**
     * ElevenLabs' system tool {@code transfer_to_number}, when its event names the destination
     * ({@code transfer_number}, or {@code phone_number}).
     */
    TRANSFER_TO_NUMBER("transfer_to_number", "transfer_number");

    private final String wireName;
    private final String parameter;

    PhoneTool(String wireName, String parameter) {
        this.wireName = wireName;
        this.parameter = parameter;
    }

    public String wireName() {
        return wireName;
    }

    /** The parameter that carries the tool's argument (the keys to press, the number to call); empty for none. */
    String parameter() {
        return parameter;
    }

    public static Optional<PhoneTool> ofWireName(String name) {
        return Arrays.stream(values()).filter(tool -> tool.wireName.equals(name)).findFirst();
    }
}
