package io.voiceagent.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.config.Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private record Clip(String name, String expected, Path raw) {
    }

    @Test
    void humansMachinesAndSilenceFromRecordings() throws Exception {
        List<Clip> clips = new ArrayList<>();
        String[][] humans = {
                {"en-us", "160", "Hello?"}, {"en-gb", "175", "Yes?"}, {"en-us", "150", "Hello, who is this?"},
                {"ru", "160", "Алло?"}, {"ru", "170", "Да, слушаю."}, {"en-gb-scotland", "140", "Hi."},
        };
        for (int i = 0; i < humans.length; i++) {
            clips.add(new Clip("human " + humans[i][2], "human", speech(humans[i], "human" + i, false)));
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
            clips.add(new Clip("machine " + i, "machine", speech(machines[i], "machine" + i, true)));
        }
        clips.add(new Clip("silence", "silence", silence("silence", false)));
        clips.add(new Clip("line noise", "silence", silence("noise", true)));

        Map<String, Map<AnsweringMachineDetector.Result, Integer>> matrix = new LinkedHashMap<>();
        Map<String, AnsweringMachineDetector.Verdict> verdicts = new LinkedHashMap<>();
        for (Clip clip : clips) {
            AnsweringMachineDetector.Verdict verdict = analyse(clip.raw());
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
    private static AnsweringMachineDetector.Verdict analyse(Path raw) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        AnsweringMachineDetector detector = new AnsweringMachineDetector(Config.Amd.DEFAULTS);
        short[] frame = new short[FRAME];
        while (true) {
            for (int i = 0; i < FRAME; i++) {
                short sample = bytes.remaining() >= 2 ? bytes.getShort() : 0;
                frame[i] = G711.ulawToLinear(G711.linearToUlaw(sample));
            }
            var verdict = detector.onFrame(frame, FRAME, RATE);
            if (verdict.isPresent()) {
                return verdict.get();
            }
        }
    }

    private Path speech(String[] voiceSpeedText, String name, boolean beep) throws Exception {
        Path spoken = dir.resolve(name + ".wav");
        run("espeak-ng", "-v", voiceSpeedText[0], "-s", voiceSpeedText[1], "-w", spoken.toString(), voiceSpeedText[2]);
        Path at8k = dir.resolve(name + "-8k.wav");
        run("sox", spoken.toString(), "-r", "8000", "-c", "1", "-b", "16", at8k.toString());
        Path raw = dir.resolve(name + ".raw");
        if (beep) {
            Path tone = dir.resolve(name + "-beep.wav");
            run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", tone.toString(), "synth", "0.6", "sine", "1000", "vol", "0.4");
            run("sox", at8k.toString(), tone.toString(), "-t", "raw", "-e", "signed-integer", "-b", "16",
                    raw.toString(), "pad", "0.4", "2");
        } else {
            run("sox", at8k.toString(), "-t", "raw", "-e", "signed-integer", "-b", "16", raw.toString(), "pad", "0.4", "4");
        }
        return raw;
    }

    private Path silence(String name, boolean noise) throws Exception {
        Path raw = dir.resolve(name + ".raw");
        List<String> command = new ArrayList<>(List.of("sox", "-n", "-r", "8000", "-c", "1", "-t", "raw",
                "-e", "signed-integer", "-b", "16", raw.toString(), "synth", "5"));
        command.addAll(noise ? List.of("whitenoise", "vol", "0.005") : List.of("sine", "0", "vol", "0"));
        run(command.toArray(String[]::new));
        return raw;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
