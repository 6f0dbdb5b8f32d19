package io.voiceagent.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voiceagent.config.Config;
import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.G711;
import io.voiceagent.os.ThreadStat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAV a recording writes, and what happens when its writer falls behind. */
class RecordingWriterTest {
    @TempDir
    Path dir;

    private long handOvers;

    /** Slots of each thread's log in these tests: 5 s of a call's two directions. */
    private static final int LOG_FRAMES = 512;

    /** The recordings the writers of a test finished, in order. */
    private final List<Recording> finished = new ArrayList<>();

    /** A writer that is not started: the test drains it, with {@link #tick}. */
    private RecordingWriter writer() {
        return new RecordingWriter(finished::add, LOG_FRAMES);
    }

    /** One of the writer's ticks, run by the test; whether it finished {@code recording}. */
    private boolean tick(RecordingWriter writer, Recording recording) {
        writer.drainAll();
        return finished.contains(recording);
    }

    /** Stamps each hand-over with the next number: the rings are merged exactly in the order the test hands over. */
    private long nextStamp() {
        return ++handOvers;
    }

    /** A 20 ms μ-law frame at one level; the recordings' other tests use it too. */
    static byte[] ulaw(short level) {
        byte[] frame = new byte[Recording.FRAME_SAMPLES];
        Arrays.fill(frame, G711.linearToUlaw(level));
        return frame;
    }

    @Test
    void phone_left_sent_right_as_16_bit_stereo_at_8_khz_with_the_sizes_in_the_header() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_1", dir.resolve("c_1.wav"), Format.PCM16, writer);
        recording.fromPhone(ulaw((short) 8000), false, nextStamp());
        recording.toPhone(ulaw((short) -4000), 0, nextStamp());
        recording.toPhone(null, 0, nextStamp()); // silence sent, no phone frame left: both silent
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        byte[] wav = Files.readAllBytes(dir.resolve("c_1.wav"));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(wav, 0, 4)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
        assertThat(b.getShort(22)).as("channels").isEqualTo((short) 2);
        assertThat(b.getInt(24)).as("rate").isEqualTo(8000);
        assertThat(b.getShort(34)).as("bits").isEqualTo((short) 16);
        assertThat(b.getInt(40)).as("data bytes").isEqualTo(2 * 160 * 4);
        assertThat(b.getShort(44)).as("left: the phone").isBetween((short) 7500, (short) 8500);
        assertThat(b.getShort(46)).as("right: what it was sent").isBetween((short) -4300, (short) -3700);
        assertThat(b.getShort(44 + 160 * 4)).isZero();
        assertThat(b.getShort(46 + 160 * 4)).isZero();
        assertThat(wav).as("one whole block").hasSize(4096);
        assertThat(new String(wav, 44 + 2 * 160 * 4, 4)).as("the rest of it a chunk readers skip").isEqualTo("JUNK");
        assertThat(b.getInt(48 + 2 * 160 * 4)).isEqualTo(4096 - 44 - 2 * 160 * 4 - 8);
        assertThat(recording.droppedFrames()).isZero();
        assertThat(recording.durationMillis()).isEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("c_1.wav"))))
                .isEqualTo("rw-------");
        assertThat(soxInfo(dir.resolve("c_1.wav"))).contains("Channels       : 2").contains("Sample Rate    : 8000")
                .contains("16-bit Signed Integer PCM").contains("= 320 samples");
    }

    @Test
    void audio_goes_to_disk_in_whole_blocks_every_four_seconds_and_the_rest_when_the_call_ends() throws Exception {
        RecordingWriter writer = writer();
        Path file = dir.resolve("c_5.wav");
        Recording recording = new Recording("c_5", file, Format.PCM16, writer);
        for (int i = 0; i < 204; i++) { // 44 + 130,560 bytes, short of 32 blocks
            recording.toPhone(ulaw((short) 1000), 0, nextStamp());
            if (i % 100 == 99) {
                writer.drainAll(); // within the log
            }
        }
        assertThat(tick(writer, recording)).isFalse();
        assertThat(file).as("no write short of 128 KiB").doesNotExist();

        recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        assertThat(tick(writer, recording)).isFalse();
        assertThat(Files.size(file)).as("32 whole blocks; the other 172 bytes wait").isEqualTo(32 * 4096);
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(40))
                .as("the sizes are written at the end only").isZero();

        for (int i = 0; i < 8; i++) {
            recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        }
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();
        assertThat(Files.size(file)).as("the rest at the end, its last block filled up by a JUNK chunk")
                .isEqualTo(34 * 4096);
        ByteBuffer end = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(end.getInt(4)).as("the RIFF chunk counts it").isEqualTo(34 * 4096 - 8);
        assertThat(end.getInt(44 + 213 * 160 * 4 + 4)).isEqualTo(34 * 4096 - 44 - 213 * 160 * 4 - 8);
        assertThat(recording.durationMillis()).isEqualTo(4260);
        short[] right = channel(file, 1);
        assertThat(right).hasSize(213 * 160).containsOnly(G711.ulawToLinear(G711.linearToUlaw(1000)));
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(40))
                .as("data bytes in the header").isEqualTo(213 * 160 * 4);
    }

    @Test
    void recordings_are_written_around_the_page_cache_where_the_file_system_takes_it() throws Exception {
        assumeTrue(Set.of("ext4", "xfs", "btrfs", "tmpfs").contains(Files.getFileStore(dir).type()),
                "a file system known to take O_DIRECT");
        Path file = dir.resolve("c_16.wav");
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_16", file, Format.PCM16, writer);
        for (int i = 0; i < 205; i++) {
            recording.toPhone(ulaw((short) 1000), 0, nextStamp());
            if (i % 100 == 99) {
                writer.drainAll(); // within the log
            }
        }
        writer.drainAll();
        assertThat(openFlags(file) & O_DIRECT).as("the open file's flags").isEqualTo(O_DIRECT);
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();
        assertThat(Files.size(file)).isEqualTo(33 * 4096);
        if (!Files.getFileStore(dir).type().equals("tmpfs")) { // where the file is nothing but page cache
            assertThat(pageCacheBytes(file)).as("a finished recording leaves no page for the kernel to flush").isZero();
        }
    }

    @Test
    void a_file_system_that_refuses_o_direct_gets_the_same_file_through_the_page_cache() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a ramfs needs root");
        Path mount = Files.createDirectory(dir.resolve("ramfs"));
        run("mount", "-t", "ramfs", "ramfs", mount.toString());
        try {
            Path file = mount.resolve("c_17.wav");
            RecordingWriter writer = writer();
            Recording recording = new Recording("c_17", file, Format.G711, writer);
            for (int i = 0; i < 420; i++) { // the first write is due after 410 frames of G.711
                recording.toPhone(ulaw((short) 1000), 0, nextStamp());
                recording.fromPhone(ulaw((short) -2000), false, nextStamp());
                writer.drainAll();
            }
            assertThat(openFlags(file) & O_DIRECT).as("ramfs has no O_DIRECT").isZero();
            recording.stop();
            assertThat(tick(writer, recording)).isTrue();
            assertThat(recording.failed()).isFalse();
            assertThat(Files.size(file)).isEqualTo(33 * 4096);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(soxInfo(file)).contains("u-law").contains("= 67200 samples");
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void recordings_cut_short_by_a_crash_get_their_sizes_at_the_next_start_and_are_marked_interrupted() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("recordings"));
        RecordingWriter writer = writer(); // its recordings never finished: the service "crashed"
        Recording pcm = new Recording("c_15", directory.resolve("c_15.wav"), Format.PCM16, writer);
        Recording g711 = new Recording("c_19", directory.resolve("c_19.wav"), Format.G711, writer);
        Recording finished = new Recording("c_21", directory.resolve("c_21.wav"), Format.PCM16, writer);
        finished.toPhone(ulaw((short) 1000), 0, nextStamp());
        finished.stop();
        writer.drainAll(); // written whole, but its status never: the crash came before
        byte[] finishedBytes = Files.readAllBytes(directory.resolve("c_21.wav"));
        // Finished by an older build, which cut the file back to its sizes instead of ending it with JUNK.
        ByteBuffer oldHeader = WavHeader.of(Format.G711, 3 * 160 * 2, 0);
        byte[] oldFinishedBytes = new byte[oldHeader.limit() + 3 * 160 * 2];
        oldHeader.get(0, oldFinishedBytes, 0, oldHeader.limit());
        Arrays.fill(oldFinishedBytes, oldHeader.limit(), oldFinishedBytes.length, (byte) 0x7F);
        Files.write(directory.resolve("c_23.wav"), oldFinishedBytes);
        for (int i = 0; i < 420; i++) { // 8.4 s: two writes of PCM16, one of G.711, then the crash
            for (Recording recording : List.of(pcm, g711)) {
                recording.fromPhone(ulaw((short) 3000), false, nextStamp());
                recording.toPhone(ulaw((short) 1000), 0, nextStamp());
            }
            if (i % 5 == 4) {
                writer.drainAll();
            }
        }
        assertThat(Files.size(directory.resolve("c_15.wav"))).isEqualTo(2 * 32 * 4096);
        assertThat(Files.size(directory.resolve("c_19.wav"))).isEqualTo(32 * 4096);
        Files.write(directory.resolve("c_20.wav"), "not a recording".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        try (Recordings recordings = Recordings.open(new Config.Recording(true, Format.PCM16, 30, Optional.empty()), dir,
                Clock.systemUTC(), 10, callId -> Optional.empty())) {
            long pcmFrames = (2 * 32 * 4096 - 44) / 4;
            assertThat(soxInfo(directory.resolve("c_15.wav"))).contains("= " + pcmFrames + " samples");
            assertThat(channel(directory.resolve("c_15.wav"), 0)).hasSize((int) pcmFrames)
                    .containsOnly(G711.ulawToLinear(G711.linearToUlaw(3000)));
            assertThat(Files.size(directory.resolve("c_15.wav"))).as("cut to whole stereo frames").isEqualTo(44 + pcmFrames * 4);
            assertThat(recordings.describe("c_15")).hasValueSatisfying(status -> assertThat(status)
                    .containsEntry("state", "incomplete").containsEntry("interrupted", true)
                    .containsEntry("duration_s", pcmFrames * 1000 / 8000 / 1000.0)
                    .doesNotContainKey("dropped_ms"));
            long g711Frames = (32 * 4096 - 58) / 2;
            assertThat(soxInfo(directory.resolve("c_19.wav"))).contains("u-law").contains("= " + g711Frames + " samples");
            assertThat(recordings.describe("c_19")).hasValueSatisfying(status -> assertThat(status)
                    .containsEntry("state", "incomplete").containsEntry("interrupted", true));
            assertThat(Files.readString(directory.resolve("c_20.wav"))).as("not ours: left as it is").isEqualTo("not a recording");
            assertThat(directory.resolve("c_21.wav")).as("finished: its sizes are read, its JUNK kept")
                    .hasBinaryContent(finishedBytes);
            assertThat(recordings.describe("c_21")).hasValueSatisfying(status -> assertThat(status)
                    .containsEntry("state", "incomplete").containsEntry("interrupted", true)
                    .containsEntry("duration_s", 0.02));
            assertThat(directory.resolve("c_23.wav")).as("finished and cut back by an older build: left as it is")
                    .hasBinaryContent(oldFinishedBytes);
            assertThat(recordings.describe("c_23")).hasValueSatisfying(status -> assertThat(status)
                    .containsEntry("state", "incomplete").containsEntry("interrupted", true)
                    .containsEntry("duration_s", 0.06));
            assertThat(directory.resolve("c_20.json")).doesNotExist();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("c_15.json"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void a_law_phone_frames_of_30_ms_are_decoded_and_cut_into_the_20_ms_of_each_frame_sent() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_6", dir.resolve("c_6.wav"), Format.PCM16, writer);
        byte[] first = new byte[240];
        byte[] second = new byte[240];
        Arrays.fill(first, G711.linearToAlaw(6000));
        Arrays.fill(second, G711.linearToAlaw(-2000));
        recording.fromPhone(first, true, nextStamp());
        recording.fromPhone(second, true, nextStamp());
        for (int i = 0; i < 4; i++) {
            recording.toPhone(null, 0, nextStamp());
        }
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        short[] left = channel(dir.resolve("c_6.wav"), 0);
        assertThat(left).hasSize(4 * 160);
        short a = G711.alawToLinear(G711.linearToAlaw(6000));
        short b = G711.alawToLinear(G711.linearToAlaw(-2000));
        assertThat(Arrays.copyOfRange(left, 0, 240)).containsOnly(a);
        assertThat(Arrays.copyOfRange(left, 240, 480)).containsOnly(b);
        assertThat(Arrays.copyOfRange(left, 480, 640)).as("nothing more from the phone").containsOnly((short) 0);
    }

    @Test
    void phone_frames_piling_up_beyond_the_backlog_are_dropped_oldest_first() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_7", dir.resolve("c_7.wav"), Format.PCM16, writer);
        int frames = Recording.PHONE_BACKLOG + 5;
        for (int n = 1; n <= frames; n++) {
            recording.fromPhone(ulaw((short) (1000 * n)), false, nextStamp());
        }
        recording.toPhone(null, 0, nextStamp());
        recording.toPhone(null, 0, nextStamp());
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        short[] left = channel(dir.resolve("c_7.wav"), 0);
        assertThat(left[0]).as("the oldest frame kept").isEqualTo(G711.ulawToLinear(G711.linearToUlaw(1000 * 6)));
        assertThat(left[160]).isEqualTo(G711.ulawToLinear(G711.linearToUlaw(1000 * 7)));
    }

    @Test
    void a_phone_payload_longer_than_the_backlog_keeps_its_newest_frames() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_9", dir.resolve("c_9.wav"), Format.PCM16, writer);
        byte[] payload = new byte[12 * 160 + 80]; // 250 ms in one packet
        for (int frame = 0; frame <= 12; frame++) {
            Arrays.fill(payload, frame * 160, Math.min(payload.length, (frame + 1) * 160), G711.linearToUlaw(500 * (frame + 1)));
        }
        recording.fromPhone(payload, false, nextStamp());
        recording.toPhone(null, 0, nextStamp());
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        assertThat(recording.droppedFrames()).isZero();
        assertThat(channel(dir.resolve("c_9.wav"), 0)[0]).as("the oldest of the newest ten whole frames: the third")
                .isEqualTo(G711.ulawToLinear(G711.linearToUlaw(500 * 3)));
    }

    /** One channel (0 left, 1 right) of a 16-bit stereo WAV written by a recording. */
    private static short[] channel(Path file, int channel) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        short[] samples = new short[b.getInt(40) / 4];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = b.getShort(44 + 4 * i + 2 * channel);
        }
        return samples;
    }

    /** How much of a file is in the page cache ({@code fincore}, util-linux); the test is skipped without it. */
    static long pageCacheBytes(Path file) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/fincore")), "fincore (util-linux) not installed");
        return Long.parseLong(run("/usr/bin/fincore", "--bytes", "--noheadings", "--output", "RES", file.toString()).strip());
    }

    /** What sox makes of a file ({@code sox --i}); the test is skipped where sox is not installed. */
    private static String soxInfo(Path file) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sox")), "sox not installed");
        return run("/usr/bin/sox", "--i", file.toString());
    }

    @Test
    void g711_holds_mu_law_bytes_with_the_fact_chunk_a_non_pcm_wave_needs() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_4", dir.resolve("c_4.wav"), Format.G711, writer);
        recording.fromPhone(ulaw((short) 8000), false, nextStamp());
        recording.toPhone(ulaw((short) -4000), 0, nextStamp());
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        byte[] wav = Files.readAllBytes(dir.resolve("c_4.wav"));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(wav).hasSize(4096);
        assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
        assertThat(new String(wav, 58 + 160 * 2, 4)).isEqualTo("JUNK");
        assertThat(b.getInt(16)).as("fmt size").isEqualTo(18);
        assertThat(b.getShort(20)).as("WAVE_FORMAT_MULAW").isEqualTo((short) 7);
        assertThat(b.getShort(32)).as("block align").isEqualTo((short) 2);
        assertThat(b.getShort(34)).as("bits").isEqualTo((short) 8);
        assertThat(new String(wav, 38, 4)).isEqualTo("fact");
        assertThat(b.getInt(46)).as("sample frames").isEqualTo(160);
        assertThat(new String(wav, 50, 4)).isEqualTo("data");
        assertThat(b.getInt(54)).isEqualTo(320);
        assertThat(wav[58]).isEqualTo(G711.linearToUlaw(8000));
        assertThat(wav[59]).isEqualTo(G711.linearToUlaw(-4000));
        assertThat(recording.durationMillis()).isEqualTo(20);

        assertThat(soxInfo(dir.resolve("c_4.wav"))).contains("Channels       : 2").contains("Sample Rate    : 8000")
                .contains("u-law").contains("= 160 samples");
    }

    @Test
    void a_full_log_drops_frames_without_waiting_and_the_recording_counts_them() throws Exception {
        RecordingWriter stalled = writer();
        Recording recording = new Recording("c_2", dir.resolve("c_2.wav"), Format.PCM16, stalled);
        for (int i = 0; i < LOG_FRAMES + 100; i++) {
            recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        }
        assertThat(recording.droppedFrames()).isEqualTo(100);
        recording.stop();
        assertThat(tick(stalled, recording)).isTrue();
        assertThat(channel(dir.resolve("c_2.wav"), 1)).hasSize(LOG_FRAMES * 160);
    }

    @Test
    void the_callers_arrays_are_copied_at_once_and_the_log_is_used_again_once_drained() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_8", dir.resolve("c_8.wav"), Format.PCM16, writer);
        byte[] reused = new byte[12 + 160]; // like the pacing thread's send buffer: audio after a 12-byte header
        byte[] payload = new byte[160];
        int framesEachWay = LOG_FRAMES / 2;
        for (int round = 0; round < 3; round++) { // the log filled three times in all
            for (int n = 0; n < framesEachWay; n++) {
                Arrays.fill(payload, G711.linearToUlaw(100 * (n % 50)));
                recording.fromPhone(payload, false, nextStamp());
                Arrays.fill(reused, 12, reused.length, G711.linearToUlaw(-100 * (n % 50)));
                recording.toPhone(reused, 12, nextStamp());
            }
            Arrays.fill(payload, G711.linearToUlaw(30_000)); // changed after the hand-over: not recorded
            Arrays.fill(reused, G711.linearToUlaw(30_000));
            assertThat(tick(writer, recording)).isFalse();
        }
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        assertThat(recording.droppedFrames()).isZero();
        short[] left = channel(dir.resolve("c_8.wav"), 0);
        short[] right = channel(dir.resolve("c_8.wav"), 1);
        assertThat(left).hasSize(3 * framesEachWay * 160);
        for (int frame = 0; frame < left.length / 160; frame++) {
            int n = frame % framesEachWay % 50;
            assertThat(left[frame * 160]).as("left of frame %d", frame).isEqualTo(G711.ulawToLinear(G711.linearToUlaw(100 * n)));
            assertThat(right[frame * 160 + 159]).as("right of frame %d", frame).isEqualTo(G711.ulawToLinear(G711.linearToUlaw(-100 * n)));
        }
    }

    @Test
    void the_two_directions_are_paired_by_when_they_were_handed_over_not_by_which_log_was_read_first() throws Exception {
        // The sent frame is stamped 20, the phone frame 10 but handed over after it by another thread
        // (preempted between the stamp and the copy, say): it is still the phone's audio for that 20 ms.
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_10", dir.resolve("c_10.wav"), Format.PCM16, writer);
        recording.toPhone(ulaw((short) -1000), 0, 20);
        onAnotherThread(() -> recording.fromPhone(ulaw((short) 3000), false, 10));
        recording.toPhone(ulaw((short) -2000), 0, 40);
        assertThat(writer.logs()).as("one log per thread").isEqualTo(2);
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        short[] left = channel(dir.resolve("c_10.wav"), 0);
        short[] right = channel(dir.resolve("c_10.wav"), 1);
        assertThat(left[0]).as("the phone frame stamped first").isEqualTo(G711.ulawToLinear(G711.linearToUlaw(3000)));
        assertThat(right[0]).isEqualTo(G711.ulawToLinear(G711.linearToUlaw(-1000)));
        assertThat(left[160]).isZero();
        assertThat(right[160]).isEqualTo(G711.ulawToLinear(G711.linearToUlaw(-2000)));
        assertThat(writer.logs()).as("the ended thread's log, drained, is gone").isEqualTo(1);
    }

    @Test
    void a_phone_frame_and_a_sent_one_of_the_same_stamp_from_two_threads_make_one_stereo_frame() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_20", dir.resolve("c_20.wav"), Format.PCM16, writer);
        recording.toPhone(ulaw((short) -1000), 0, 20); // the pacing thread's log comes first in the merge
        onAnotherThread(() -> recording.fromPhone(ulaw((short) 3000), false, 20));
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();

        assertThat(channel(dir.resolve("c_20.wav"), 0)).as("the phone's frame, taken first")
                .hasSize(160).containsOnly(G711.ulawToLinear(G711.linearToUlaw(3000)));
    }

    @Test
    void a_full_log_drops_only_its_own_threads_frames() throws Exception {
        RecordingWriter stalled = writer();
        Recording recording = new Recording("c_11", dir.resolve("c_11.wav"), Format.PCM16, stalled);
        onAnotherThread(() -> {
            for (int i = 0; i < LOG_FRAMES + 7; i++) {
                recording.fromPhone(ulaw((short) 1000), false, nextStamp());
            }
        });
        recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        assertThat(recording.droppedFrames()).isEqualTo(7);
        recording.stop();
        assertThat(tick(stalled, recording)).isTrue();
        assertThat(recording.durationMillis()).as("the sent frame, written").isEqualTo(20);
    }

    @Test
    void a_finished_recordings_buffers_go_to_the_next_one_at_once_and_its_late_frames_are_ignored() throws Exception {
        RecordingWriter writer = writer();
        Recording first = new Recording("c_12", dir.resolve("c_12.wav"), Format.PCM16, writer);
        first.toPhone(ulaw((short) 700), 0, nextStamp());
        first.stop();
        assertThat(tick(writer, first)).isTrue();
        assertThat(writer.freeBuffers()).as("no media thread touches a recording's buffers").isEqualTo(1);

        Recording second = new Recording("c_13", dir.resolve("c_13.wav"), Format.PCM16, writer);
        assertThat(second.buffers).isSameAs(first.buffers);
        assertThat(writer.freeBuffers()).isZero();
        first.toPhone(ulaw((short) 20_000), 0, nextStamp()); // the pacing thread, before it saw the tap go
        second.toPhone(ulaw((short) -500), 0, nextStamp());
        onAnotherThread(() -> first.fromPhone(ulaw((short) 9000), false, nextStamp()));
        second.stop();
        assertThat(tick(writer, second)).isTrue();

        assertThat(channel(dir.resolve("c_12.wav"), 1)).as("the first file, finished before its late frame")
                .hasSize(160).containsOnly(G711.ulawToLinear(G711.linearToUlaw(700)));
        short[] right = channel(dir.resolve("c_13.wav"), 1);
        assertThat(right).as("only the second recording's own frame").hasSize(160)
                .containsOnly(G711.ulawToLinear(G711.linearToUlaw(-500)));
        assertThat(channel(dir.resolve("c_13.wav"), 0)).containsOnly((short) 0);
    }

    @Test
    void a_log_is_outside_the_heap_and_each_slot_has_whole_cache_lines_of_its_own() {
        FrameLog log = new FrameLog(LOG_FRAMES);
        assertThat(log.slots.isDirect()).as("the collector never copies it").isTrue();
        assertThat(log.slots.capacity()).isEqualTo(LOG_FRAMES * FrameLog.SLOT_BYTES);
        for (long frame = 0; frame < 2L * LOG_FRAMES; frame++) {
            assertThat(log.slots.alignmentOffset(log.offset(frame), 64)).as("slot %d starts a cache line", frame).isZero();
        }
        assertThat(FrameLog.SLOT_BYTES % 64).as("and ends one").isZero();
        assertThat(FrameLog.SLOT_BYTES).isGreaterThanOrEqualTo(FrameLog.AUDIO + Recording.FRAME_SAMPLES);
        assertThat(new RecordingBuffers().staged.alignmentOffset(0, DirectWrites.BLOCK))
                .as("direct writes need whole blocks").isZero();
    }

    @Test
    void the_media_threads_logs_are_made_ahead_by_the_thread_that_starts_a_recording() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_22", dir.resolve("c_22.wav"), Format.PCM16, writer);
        new Recording("c_24", dir.resolve("c_24.wav"), Format.PCM16, writer);
        assertThat(writer.spareLogs()).as("one for each of the pacing and the receive thread, once").isEqualTo(2);
        assertThat(writer.logs()).isZero();

        recording.toPhone(ulaw((short) 1000), 0, nextStamp()); // the "pacing thread" takes a spare
        onAnotherThread(() -> recording.fromPhone(ulaw((short) 2000), false, nextStamp()));
        assertThat(writer.spareLogs()).isZero();
        onAnotherThread(() -> recording.fromPhone(ulaw((short) 3000), false, nextStamp()));
        assertThat(writer.logs()).as("a third thread makes its own").isEqualTo(3);
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();
        assertThat(writer.logs()).as("the ended threads' logs, drained, are gone").isEqualTo(1);
    }

    @Test
    void a_log_holds_two_and_a_half_seconds_of_its_share_of_the_calls() {
        assertThat(FrameLog.framesFor(1)).isEqualTo(128);
        assertThat(FrameLog.framesFor(125)).as("500 calls over four writers").isEqualTo(16_384);
        assertThat(FrameLog.framesFor(128)).isEqualTo(16_384);
        assertThat(FrameLog.framesFor(129)).isEqualTo(32_768);
        assertThat(FrameLog.framesFor(0)).as("at least one call's").isEqualTo(128);
        assertThatThrownBy(() -> new FrameLog(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new RecordingWriter(r -> { }, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }

    @Test
    void a_disk_that_fails_stops_the_recording_and_marks_it_without_throwing() throws Exception {
        RecordingWriter writer = writer();
        Recording recording = new Recording("c_3", dir.resolve("missing-dir").resolve("c_3.wav"), Format.PCM16,
                writer);
        recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        recording.toPhone(ulaw((short) 1000), 0, nextStamp());
        recording.stop();
        assertThat(tick(writer, recording)).isTrue();
        assertThat(recording.failed()).isTrue();
        assertThat(recording.droppedFrames()).isEqualTo(2);
    }
    @Test
    void the_writer_thread_writes_a_stopped_recording_whole_and_reports_it_finished() throws Exception {
        java.util.concurrent.CompletableFuture<Recording> done = new java.util.concurrent.CompletableFuture<>();
        try (RecordingWriter writer = new RecordingWriter(done::complete, LOG_FRAMES).start()) {
            Recording recording = new Recording("c_5", dir.resolve("c_5.wav"), Format.PCM16, writer);
            for (int i = 0; i < 120; i++) { // within a ring: the writer may not drain before the stop
                recording.fromPhone(ulaw((short) 2000), false, nextStamp());
                recording.toPhone(ulaw((short) 1000), 0, nextStamp());
            }
            recording.stop();

            assertThat(done.get(10, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(recording);
            assertThat(writerThreadNiceValues()).as("below the media threads").contains(RecordingWriter.NICE);
        }
        assertThat(Files.size(dir.resolve("c_5.wav"))).isEqualTo(19 * 4096);
        assertThat(ByteBuffer.wrap(Files.readAllBytes(dir.resolve("c_5.wav"))).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(40)).as("data bytes in the header").isEqualTo(120 * 160 * 4);
    }

    @Test
    void a_writer_with_nothing_to_drain_waits_without_ticking_and_keeps_its_buffers_for_the_next_recording() throws Exception {
        try (RecordingWriter writer = new RecordingWriter(r -> { }, LOG_FRAMES).start()) {
            awaitState(writer.thread(), Thread.State.WAITING);
            Recording recording = new Recording("c_18", dir.resolve("c_18.wav"), Format.PCM16, writer);
            recording.toPhone(ulaw((short) 1000), 0, nextStamp());
            awaitState(writer.thread(), Thread.State.TIMED_WAITING); // draining every tick again
            recording.stop();
            awaitState(writer.thread(), Thread.State.WAITING);
            assertThat(channel(dir.resolve("c_18.wav"), 1)).hasSize(160);
            assertThat(writer.freeBuffers()).as("an idle writer keeps the set it had").isEqualTo(1);

            Recording next = new Recording("c_19", dir.resolve("c_19.wav"), Format.PCM16, writer);
            assertThat(next.buffers).as("no new memory for the next call").isSameAs(recording.buffers);
            assertThat(writer.freeBuffers()).isZero();
            next.stop();
        }
    }

    /** Runs {@code handOvers} on a new thread, as a second media thread, and waits for it to end. */
    private static void onAnotherThread(Runnable handOvers) throws InterruptedException {
        Thread thread = Thread.ofPlatform().start(handOvers);
        thread.join();
    }

    /** Waits (up to 10 s, a bound for a hung test only) until the thread is parked in {@code state}. */
    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as("writer thread still " + thread.getState() + ", not " + state).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Linux's O_DIRECT on x86 and ARM as /proc/self/fdinfo prints flags: octal 040000. */
    private static final int O_DIRECT = 040000;

    /** The flags this process opened {@code file} with, from /proc/self/fdinfo. */
    private static int openFlags(Path file) throws Exception {
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (java.io.IOException closedMeanwhile) {
                    continue;
                }
                if (target.equals(file.toAbsolutePath())) {
                    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
                        if (line.startsWith("flags:")) {
                            return Integer.parseInt(line.substring("flags:".length()).strip(), 8);
                        }
                    }
                }
            }
        }
        throw new AssertionError(file + " is not open");
    }

    /** Runs a command, asserts it succeeded, and returns what it printed. */
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    /** The nice values of this JVM's threads named recording-writer (as /proc keeps it, 15 characters). */
    private static List<Integer> writerThreadNiceValues() throws Exception {
        List<Integer> values = new ArrayList<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().equals("recording-write")) {
                    values.add(ThreadStat.field(task.resolve("stat"), ThreadStat.NICE));
                }
            }
        }
        return values;
    }
}
