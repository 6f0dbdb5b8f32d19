package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallJournalRestartTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final CallJournal.Settings SETTINGS =
            new CallJournal.Settings(Duration.ofDays(90), Duration.ofMillis(10), 10_000);

    private final MutableClock clock = new MutableClock(T0);

    private static StartCallRequest request(Map<String, Object> metadata) {
        return new StartCallRequest("79990001122", Optional.of("Hello"), Optional.empty(),
                Optional.of("ru"), Map.of("name", "Ivan"), metadata, Optional.empty(), Optional.empty());
    }

    private static CallRecord dialing(String id) {
        return CallRecord.dialing(id, CallMode.SIP, request(Map.of("campaign", "c1")), T0);
    }

    private static CallRecord answered(CallRecord dialing) {
        return dialing
                .withStatus(CallStatus.RINGING, T0.plusSeconds(1))
                .withStatus(CallStatus.ANSWERED, T0.plusSeconds(3))
                .withTranscriptLine(new TranscriptLine("agent", "Hello", T0.plusSeconds(4)))
                .withTranscriptLine(new TranscriptLine("user", "Здравствуйте, hi there", T0.plusSeconds(6)))
                .withDtmf("1#");
    }

    private CallJournal.Opened open(Path dir) throws Exception {
        return CallJournal.open(dir, clock, SETTINGS);
    }

    private static CallRepository repository(CallJournal.Opened opened, Clock clock) {
        return new CallRepository(opened.journal(), opened.records(), 10_000, clock);
    }

    @Test
    void recordsAndTranscriptsSurviveARestart(@TempDir Path dir) throws Exception {
        CallRecord ended = answered(dialing("c_1")).withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP,
                EndedBy.REMOTE), T0.plusSeconds(30));
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            assertThat(calls.saveFirst(dialing("c_1"), Optional.empty())).isTrue();
            calls.save(answered(dialing("c_1")), false);
            calls.save(ended, true);
        }

        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();

        assertThat(reopened.records()).containsExactly(ended);
        assertThat(reopened.quarantinedLines()).isZero();
        assertThat(reopened.records().get(0).duration(T0)).hasSeconds(27);
    }

    @Test
    void aChangeWritesOnlyWhatChangedNotTheWholeRecord(@TempDir Path dir) throws Exception {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("notes", "x".repeat(15_000));
        CallRecord call = CallRecord.dialing("c_big", CallMode.SIP, request(metadata), T0);
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            calls.saveFirst(call, Optional.empty());
            CallRecord r = answered(call);
            calls.save(r, false);
            for (int i = 0; i < 20; i++) {
                r = r.withTranscriptLine(new TranscriptLine("user", "line " + i, T0.plusSeconds(10 + i)));
                calls.save(r, false);
            }
            calls.save(r.withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE), T0.plusSeconds(60)), true);
        }

        long size = Files.size(dir.resolve("calls.jsonl"));
        assertThat(size).isBetween(15_000L, 20_000L);
        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();
        assertThat(reopened.records()).singleElement().satisfies(r -> {
            assertThat(r.transcript()).hasSize(22);
            assertThat(r.status()).isEqualTo(CallStatus.COMPLETED);
            assertThat(r.request().metadata()).isEqualTo(metadata);
        });
    }

    @Test
    void aTornLastLineIsMovedAsideAndTheRestIsKept(@TempDir Path dir) throws Exception {
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            calls.saveFirst(dialing("c_1"), Optional.empty());
            calls.saveFirst(dialing("c_2"), Optional.empty());
        }
        Path file = dir.resolve("calls.jsonl");
        Files.writeString(file, "{\"id\":\"c_3\",\"phone_num", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();

        assertThat(reopened.records()).extracting(CallRecord::id).containsExactly("c_1", "c_2");
        assertThat(reopened.quarantinedLines()).isEqualTo(1);
        assertThat(Files.readAllLines(file)).hasSize(2);
        assertThat(Files.readString(corruptFile(dir))).isEqualTo("{\"id\":\"c_3\",\"phone_num\n");
    }

    @Test
    void unreadableMiddleLinesAreMovedAsideNotDeleted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            calls.saveFirst(dialing("c_1"), Optional.empty());
        }
        Files.writeString(file, "garbage \u0000 line\n{\"delta\":\"c_unknown\",\"set\":{\"dtmf\":\"1\"}}\n",
                StandardOpenOption.APPEND);
        CallJournal.Opened second = open(dir);
        assertThat(second.quarantinedLines()).isEqualTo(2);
        try (CallJournal journal = second.journal()) {
            CallRepository calls = repository(second, clock);
            calls.saveFirst(dialing("c_2"), Optional.empty());
            calls.save(answered(dialing("c_1")), true);
        }

        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();

        assertThat(reopened.records()).extracting(CallRecord::id).containsExactly("c_1", "c_2");
        assertThat(reopened.records().get(0).status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(reopened.quarantinedLines()).isZero();
        assertThat(Files.readAllLines(corruptFile(dir)))
                .containsExactly("garbage \u0000 line", "{\"delta\":\"c_unknown\",\"set\":{\"dtmf\":\"1\"}}");
    }

    @Test
    void callsLiveAtACrashComeBackAsFailedWithServiceRestart(@TempDir Path dir) throws Exception {
        try (CallJournal journal = open(dir).journal()) {
            new CallRepository(journal, List.of(), 10, clock).saveFirst(answered(dialing("c_live")), Optional.empty());
        }
        List<CallRecord> restored = CallJournal.open(dir).records();

        List<CallRecord> recovered = CallJournal.failInterrupted(restored, T0.plusSeconds(100));

        assertThat(recovered).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CallStatus.FAILED);
            assertThat(r.ending().map(CallEnding::cause)).contains(EndCause.SERVICE_RESTART);
            assertThat(r.ending().map(CallEnding::by)).contains(EndedBy.SYSTEM);
            assertThat(r.endedAt()).contains(T0.plusSeconds(100));
            assertThat(r.transcript()).hasSize(2);
        });
    }

    @Test
    void aJournalGrownPastTwiceItsLiveSizeIsCompactedToOneLinePerCall(@TempDir Path dir) throws Exception {
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            for (int c = 0; c < 5; c++) {
                CallRecord r = answered(dialing("c_" + c));
                calls.saveFirst(r, Optional.empty());
                for (int i = 0; i < 800; i++) {
                    r = r.withMedia(new io.voiceagent.media.MediaStats(i, i, i * 160L, i * 160L, 0, 0.5, i * 20L, 0,
                            io.voiceagent.media.MediaStats.Rejected.NONE, io.voiceagent.media.MediaStats.FarEndReport.NONE));
                    calls.save(r, false);
                }
            }
        }

        // 4,005 lines were written; compaction folded them each time the file passed twice its live size.
        assertThat(Files.readAllLines(dir.resolve("calls.jsonl")).size()).isLessThan(2_000);
        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();
        assertThat(reopened.records()).extracting(r -> r.media().packetsIn()).containsOnly(799L);
    }

    @Test
    void endedCallsOlderThanTheRetentionLeaveAtCompaction(@TempDir Path dir) throws Exception {
        try (CallJournal journal = open(dir).journal()) {
            CallRepository calls = new CallRepository(journal, List.of(), 10, clock);
            calls.saveFirst(dialing("c_old"), Optional.empty());
            calls.save(dialing("c_old").withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE), T0), true);
            clock.set(T0.plus(Duration.ofDays(91)));
            CallRecord r = dialing("c_new");
            calls.saveFirst(r, Optional.empty());
            for (int i = 0; i < 800; i++) {
                r = r.withMedia(new io.voiceagent.media.MediaStats(i, i, i * 160L, i * 160L, 0, 0.5, i * 20L, 0,
                            io.voiceagent.media.MediaStats.Rejected.NONE, io.voiceagent.media.MediaStats.FarEndReport.NONE));
                calls.save(r, false);
            }
        }

        CallJournal.Opened reopened = open(dir);
        reopened.journal().close();
        assertThat(reopened.records()).extracting(CallRecord::id).containsExactly("c_new");
        assertThat(reopened.records().get(0).media().packetsIn()).isEqualTo(799);
    }

    @Test
    void idempotencyKeysSurviveARestartForTwentyFourHours(@TempDir Path dir) throws Exception {
        try (CallJournal journal = open(dir).journal()) {
            new CallRepository(journal, List.of(), 10, clock).saveFirst(dialing("c_1"), Optional.of("key-1"));
        }
        clock.set(T0.plus(Duration.ofHours(23)));
        CallJournal.Opened reopened = open(dir);
        CallRepository calls = repository(reopened, clock);

        assertThat(calls.callIdForKey("key-1")).contains("c_1");
        assertThat(calls.callIdForKey("key-2")).isEmpty();
        clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(1));
        assertThat(calls.callIdForKey("key-1")).isEmpty();
        reopened.journal().close();
    }

    @Test
    void theJournalIsPrivateWhateverTheUmask(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("data");
        open(dir).journal().close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("calls.jsonl"))))
                .isEqualTo("rw-------");
    }

    @Test
    void changesFromManyThreadsAreAllOnDiskAfterAFlush(@TempDir Path dir) throws Exception {
        CallJournal journal = open(dir).journal();
        CallRepository calls = new CallRepository(journal, List.of(), 10_000, clock);
        try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        calls.save(answered(dialing("c_" + thread + "_" + i)), i % 3 == 0);
                    }
                });
            }
        }
        journal.flush();

        assertThat(CallJournal.open(dir).records()).hasSize(800);
        journal.close();
    }

    private static Path corruptFile(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("calls.jsonl.corrupt-"))
                    .findFirst().orElseThrow();
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant next) {
            now = next;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
