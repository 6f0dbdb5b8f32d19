package io.voiceagent.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.Config;
import io.voiceagent.config.Config.Recording.Format;
import io.voiceagent.media.AudioTap;
import io.voiceagent.media.MediaSession;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Recordings#close} leaves on disk for the calls that had just hung up when the service stopped. */
class RecordingsCloseTest {
    private static final int CALLS = 2 * Recordings.WRITERS;
    private static final int FRAMES = 100;

    @TempDir
    Path dataDir;

    /** Each call's media session: it only keeps the tap the recordings attach to it. */
    private final Map<String, AudioTap> taps = new ConcurrentHashMap<>();

    private MediaSession session(String callId) {
        return (MediaSession) Proxy.newProxyInstance(MediaSession.class.getClassLoader(), new Class<?>[]{MediaSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setAudioTap")) {
                        if (args[0] == null) {
                            taps.remove(callId);
                        } else {
                            taps.put(callId, (AudioTap) args[0]);
                        }
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void closing_finishes_every_writers_recordings_of_calls_just_hung_up() throws Exception {
        Instant start = Instant.parse("2026-12-03T06:00:00Z");
        byte[] phone = RecordingWriterTest.ulaw((short) 3000);
        byte[] sent = RecordingWriterTest.ulaw((short) 1000);
        List<CallRecord> answered = new ArrayList<>();
        try (Recordings recordings = Recordings.open(new Config.Recording(true, Format.PCM16, 30, Optional.empty()),
                dataDir, Clock.systemUTC(), 2 * CALLS, callId -> Optional.of(session(callId)))) {
            for (int call = 0; call < CALLS; call++) { // one after the other: two recordings on each writer
                CallRecord record = CallRecord.dialing("c_" + call, CallMode.SIP, TestCalls.request("+7999000112" + call), start)
                        .withStatus(CallStatus.ANSWERED, start.plusSeconds(1));
                recordings.onSaved(record);
                answered.add(record);
            }
            assertThat(taps).as("every call recorded").hasSize(CALLS);
            long stamp = 0;
            // 2 s of each call, within the logs (2.5 s of twice the calls), so nothing is dropped
            for (int frame = 0; frame < FRAMES; frame++) {
                for (AudioTap tap : taps.values()) {
                    tap.fromPhone(phone, false, ++stamp);
                    tap.toPhone(sent, 0, ++stamp);
                }
            }
            for (CallRecord record : answered) {
                recordings.onSaved(record.withStatus(CallStatus.COMPLETED, start.plusSeconds(3)));
            }
            assertThat(taps).as("the taps are taken off at the hang-up").isEmpty();
        } // close: the stopped recordings are finished before it returns

        Path directory = dataDir.resolve("recordings");
        for (CallRecord record : answered) {
            String id = record.id();
            byte[] wav = Files.readAllBytes(directory.resolve(id + ".wav"));
            assertThat(ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).getInt(40)).as(id + ": data bytes")
                    .isEqualTo(FRAMES * 160 * 4);
            Path status = directory.resolve(id + ".json");
            if (!Files.getFileStore(status).type().equals("tmpfs")) { // before it is read, which caches it
                assertThat(RecordingWriterTest.pageCacheBytes(status)).as(id + ": nothing left for the kernel to flush").isZero();
            }
            assertThat(Files.size(status)).as("one block, written like the WAV").isEqualTo(4096);
            assertThat(JSON.std.mapFrom(Files.readString(status))).as(id)
                    .containsEntry("complete", true).containsEntry("dropped_ms", 0);
        }
    }
}
