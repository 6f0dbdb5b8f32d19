package io.voiceagent.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recordings made at test time with espeak-ng and sox, as a phone carries them: 8 kHz mono 16-bit
 * linear. Speech gets {@value #LEAD_S} s of silence before it; a machine's greeting ends in a 0.6 s
 * 1 kHz beep.
 */
public final class SpeechRecordings {

    static final double LEAD_S = 0.4;

    private final Path dir;

    public SpeechRecordings(Path dir) {
        this.dir = dir;
    }

    /** {@code text} spoken by espeak-ng's {@code voice} at {@code wordsPerMinute}, then {@code tailS} s of silence. */
    public short[] speech(String name, String voice, int wordsPerMinute, String text, boolean beep, double tailS)
            throws IOException, InterruptedException {
        Path spoken = dir.resolve(name + ".wav");
        run("espeak-ng", "-v", voice, "-s", Integer.toString(wordsPerMinute), "-w", spoken.toString(), text);
        Path at8k = dir.resolve(name + "-8k.wav");
        run("sox", spoken.toString(), "-r", "8000", "-c", "1", "-b", "16", at8k.toString());
        Path raw = dir.resolve(name + ".raw");
        List<String> command = new ArrayList<>(List.of("sox", at8k.toString()));
        if (beep) {
            Path tone = dir.resolve(name + "-beep.wav");
            run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", tone.toString(), "synth", "0.6", "sine", "1000",
                    "vol", "0.4");
            command.add(tone.toString());
        }
        command.addAll(List.of("-t", "raw", "-e", "signed-integer", "-b", "16", raw.toString(), "pad",
                Double.toString(LEAD_S), Double.toString(tailS)));
        run(command.toArray(String[]::new));
        return samples(raw);
    }

    /** {@code seconds} of digital silence, or of low white noise. */
    public short[] silence(String name, double seconds, boolean noise) throws IOException, InterruptedException {
        Path raw = dir.resolve(name + ".raw");
        List<String> command = new ArrayList<>(List.of("sox", "-n", "-r", "8000", "-c", "1", "-t", "raw",
                "-e", "signed-integer", "-b", "16", raw.toString(), "synth", Double.toString(seconds)));
        command.addAll(noise ? List.of("whitenoise", "vol", "0.005") : List.of("sine", "0", "vol", "0"));
        run(command.toArray(String[]::new));
        return samples(raw);
    }

    private static short[] samples(Path raw) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[bytes.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.getShort();
        }
        return out;
    }

    private void run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // espeak-ng asks PulseAudio for an output even when it writes a file, and PulseAudio, given no
        // XDG_RUNTIME_DIR, makes /tmp/pulse-* and a link to it under ~/.config/pulse: give it one here.
        Path runtime = dir.resolve("runtime");
        if (!Files.isDirectory(runtime)) {
            Files.createDirectory(runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
