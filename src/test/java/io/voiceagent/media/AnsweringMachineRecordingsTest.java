package io.voiceagent.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answering-machine detector on recordings made here with espeak-ng and sox, as a phone would
 * carry them (8 kHz, through G.711 μ-law): short human answers ("Hello?") followed by waiting,
 * long machine greetings ending in a 1 kHz beep, and silence (with and without line noise). Prints
 * the confusion matrix that the README reports; every human must read as human and every machine
 * as machine with the default settings. Silence reads as machine (initial_silence), as in Asterisk.
 */
class AnsweringMachineRecordingsTest {

    private static final int RATE = 8000;
    private static final int FRAME = 160;

    @TempDir
    Path dir;

    private record Clip(String name, String expected, short[] audio) {
    }

    @Test
    void humansMachinesAndSilenceFromRecordings() throws Exception {
        SpeechRecordings recordings = new SpeechRecordings(dir);
        List<Clip> clips = new ArrayList<>();
        String[][] humans = {
                {"en-us", "160", "Hello?"}, {"en-gb", "175", "Yes?"}, {"en-us", "150", "Hello, who is this?"},
                {"ru", "160", "Алло?"}, {"ru", "170", "Да, слушаю."}, {"en-gb-scotland", "140", "Hi."},
        };
        for (int i = 0; i < humans.length; i++) {
            clips.add(new Clip("human " + humans[i][2], "human", recordings.speech("human" + i, humans[i][0], Integer.parseInt(humans[i][1]), humans[i][2], false, 4)));
        }
        String[][] machines = {
                {"en-us", "160", "Hello, you have reached the voicemail of Anna Petrova. I cannot take your call "
                        + "right now. Please leave your name and number after the tone."},
                {"en-gb", "180", "The person you are calling is not available. Please leave a message after the beep."},
                {"ru", "160", "Здравствуйте, вы позвонили Ивану. Сейчас я не могу ответить, оставьте сообщение после сигнала."},
                {"ru", "175", "Абонент не может ответить. Оставьте сообщение после звукового сигнала."},
                {"en-us", "200", "Hi, it's Mike. Leave a message."},
        };
        for (int i = 0; i < machines.length; i++) {
            clips.add(new Clip("machine " + i, "machine", recordings.speech("machine" + i, machines[i][0], Integer.parseInt(machines[i][1]), machines[i][2], true, 2)));
        }
        clips.add(new Clip("silence", "silence", recordings.silence("silence", 5, false)));
        clips.add(new Clip("line noise", "silence", recordings.silence("noise", 5, true)));

        Map<String, Map<AnsweringMachineDetector.Result, Integer>> matrix = new LinkedHashMap<>();
        Map<String, AnsweringMachineDetector.Verdict> verdicts = new LinkedHashMap<>();
        for (Clip clip : clips) {
            AnsweringMachineDetector.Verdict verdict = analyse(clip.audio());
            verdicts.put(clip.name(), verdict);
            matrix.computeIfAbsent(clip.expected(), k -> new EnumMap<>(AnsweringMachineDetector.Result.class))
                    .merge(verdict.result(), 1, Integer::sum);
        }
        System.out.println("AMD confusion matrix (rows: recording, columns: verdict human/machine/unknown)");
        matrix.forEach((kind, row) -> System.out.println("  " + kind + ": " + row));
        verdicts.forEach((name, v) -> System.out.println("  " + name + " -> " + v));

        verdicts.forEach((name, verdict) -> {
            String expected = clips.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().expected();
            AnsweringMachineDetector.Result want = expected.equals("human")
                    ? AnsweringMachineDetector.Result.HUMAN : AnsweringMachineDetector.Result.MACHINE;
            assertThat(verdict.result()).as(name + ": " + verdict).isEqualTo(want);
            assertThat(verdict.atMs()).as(name).isLessThanOrEqualTo(Config.Amd.DEFAULTS.maxMs());
        });
    }

    /** Frames of the clip through μ-law, then silence, until the detector decides. */
    private static AnsweringMachineDetector.Verdict analyse(short[] clip) {
        AnsweringMachineDetector detector = new AnsweringMachineDetector(Config.Amd.DEFAULTS);
        short[] frame = new short[FRAME];
        for (int at = 0; ; at += FRAME) {
            for (int i = 0; i < FRAME; i++) {
                short sample = at + i < clip.length ? clip[at + i] : 0;
                frame[i] = G711.ulawToLinear(G711.linearToUlaw(sample));
            }
            var verdict = detector.onFrame(frame, FRAME, RATE);
            if (verdict.isPresent()) {
                return verdict.get();
            }
        }
    }
}
