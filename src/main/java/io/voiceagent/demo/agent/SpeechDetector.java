package io.voiceagent.demo.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Energy-based voice activity detection on the caller's audio, timed by the audio itself (sample counts),
 * not by the wall clock, so a client that sends late or in bursts is judged on what it sent. Speech starts
 * at the first 20 ms window whose RMS exceeds the threshold and ends after enough quiet windows in a row.
 */
final class SpeechDetector {
    enum Event { SPEECH_STARTED, SPEECH_ENDED }

    private final int windowSamples;
    private final double thresholdRms;
    private final int endSilenceWindows;
    private long windowSumOfSquares;
    private int windowFill;
    private boolean inSpeech;
    private int quietWindows;

    SpeechDetector(int sampleRate, double thresholdRms, long endSilenceMillis) {
        this.windowSamples = sampleRate / 50;
        this.thresholdRms = thresholdRms;
        this.endSilenceWindows = (int) Math.max(1, endSilenceMillis / 20);
    }

    List<Event> feed(short[] samples) {
        List<Event> events = new ArrayList<>(1);
        for (short sample : samples) {
            windowSumOfSquares += (long) sample * sample;
            if (++windowFill == windowSamples) {
                closeWindow(events);
            }
        }
        return events;
    }

    private void closeWindow(List<Event> events) {
        boolean loud = Math.sqrt((double) windowSumOfSquares / windowFill) > thresholdRms;
        windowSumOfSquares = 0;
        windowFill = 0;
        if (loud) {
            quietWindows = 0;
            if (!inSpeech) {
                inSpeech = true;
                events.add(Event.SPEECH_STARTED);
            }
        } else if (inSpeech && ++quietWindows >= endSilenceWindows) {
            inSpeech = false;
            quietWindows = 0;
            events.add(Event.SPEECH_ENDED);
        }
    }
}
