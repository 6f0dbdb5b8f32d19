package io.voiceagent.demo.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.voiceagent.demo.agent.SpeechDetector.Event.SPEECH_ENDED;
import static io.voiceagent.demo.agent.SpeechDetector.Event.SPEECH_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** Turn detection is judged on audio time: samples in, events out, no clock. */
class SpeechDetectionTest {

    @Test
    void loudAudioStartsSpeechAndEnoughQuietEndsIt() {
        SpeechDetector detector = new SpeechDetector(8000, 500, 500);
        List<SpeechDetector.Event> events = new ArrayList<>();
        events.addAll(detector.feed(silence(400)));
        assertThat(events).isEmpty();
        events.addAll(detector.feed(tone(300, 3000)));
        assertThat(events).containsExactly(SPEECH_STARTED);
        events.addAll(detector.feed(silence(480)));
        assertThat(events).as("480 ms of quiet is a pause, not the end").containsExactly(SPEECH_STARTED);
        events.addAll(detector.feed(silence(20)));
        assertThat(events).containsExactly(SPEECH_STARTED, SPEECH_ENDED);
    }

    @Test
    void shortPausesInsideSpeechDoNotEndTheTurn() {
        SpeechDetector detector = new SpeechDetector(8000, 500, 500);
        List<SpeechDetector.Event> events = new ArrayList<>();
        for (int word = 0; word < 5; word++) {
            events.addAll(detector.feed(tone(200, 3000)));
            events.addAll(detector.feed(silence(200)));
        }
        assertThat(events).containsExactly(SPEECH_STARTED);
        events.addAll(detector.feed(silence(300)));
        assertThat(events).containsExactly(SPEECH_STARTED, SPEECH_ENDED);
    }

    @Test
    void quietNoiseBelowTheThresholdIsNotSpeech() {
        SpeechDetector detector = new SpeechDetector(8000, 500, 500);
        assertThat(detector.feed(tone(2000, 300))).isEmpty();
    }

    @Test
    void theDemoCallerPhraseIsOneTurn() {
        WireAudioFormat format = WireAudioFormat.ULAW_8000;
        SpeechDetector detector = new SpeechDetector(8000, FakeAgentOptions.defaults().speechThresholdRms(), 500);
        byte[] phraseThenQuiet = Arrays.copyOf(DemoAudio.callerPhrase(), DemoAudio.callerPhrase().length + 4800);
        Arrays.fill(phraseThenQuiet, DemoAudio.callerPhrase().length, phraseThenQuiet.length, (byte) 0xFF);
        assertThat(detector.feed(format.toLinear(phraseThenQuiet))).containsExactly(SPEECH_STARTED, SPEECH_ENDED);
    }

    private static short[] silence(int millis) {
        return new short[millis * 8];
    }

    private static short[] tone(int millis, int amplitude) {
        short[] samples = new short[millis * 8];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (amplitude * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        }
        return samples;
    }
}
