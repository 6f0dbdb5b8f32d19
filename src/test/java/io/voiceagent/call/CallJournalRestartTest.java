package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallJournalRestartTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static CallRecord answeredCall(String id) {
        StartCallRequest request = new StartCallRequest("79990001122", Optional.of("Hello"), Optional.empty(),
                Optional.of("ru"), Map.of("name", "Ivan"), Map.of("campaign", "c1"));
        return CallRecord.dialing(id, CallMode.SIP, request, T0)
                .withStatus(CallStatus.RINGING, T0.plusSeconds(1))
                .withStatus(CallStatus.ANSWERED, T0.plusSeconds(3))
                .withTranscriptLine(new TranscriptLine("agent", "Hello", T0.plusSeconds(4)))
                .withTranscriptLine(new TranscriptLine("user", "Hi there", T0.plusSeconds(6)))
                .withDtmf("1#");
    }

    @Test
    void recordsAndTranscriptsSurviveARestart(@TempDir Path dir) throws Exception {
        CallRecord ended = answeredCall("c_1").withEnd(CallStatus.COMPLETED, "remote_hangup", "remote",
                T0.plusSeconds(30));
        try (CallJournal journal = CallJournal.open(dir).journal()) {
            journal.append(answeredCall("c_1"), true);
            journal.append(ended, true);
        }

        CallJournal.Opened reopened = CallJournal.open(dir);
        reopened.journal().close();

        assertThat(reopened.records()).containsExactly(ended);
        assertThat(reopened.skippedLines()).isZero();
        assertThat(reopened.records().get(0).transcript()).extracting(TranscriptLine::text)
                .containsExactly("Hello", "Hi there");
        assertThat(reopened.records().get(0).duration(T0)).hasSeconds(27);
    }

    @Test
    void aTornLastLineIsSkippedAndTheRestIsKept(@TempDir Path dir) throws Exception {
        try (CallJournal journal = CallJournal.open(dir).journal()) {
            journal.append(answeredCall("c_1"), true);
            journal.append(answeredCall("c_2"), true);
        }
        Path file = dir.resolve("calls.jsonl");
        Files.writeString(file, "{\"id\":\"c_3\",\"phone_num", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        CallJournal.Opened reopened = CallJournal.open(dir);
        reopened.journal().close();

        assertThat(reopened.records()).extracting(CallRecord::id).containsExactly("c_1", "c_2");
        assertThat(reopened.skippedLines()).isEqualTo(1);
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void callsLiveAtACrashComeBackAsFailedWithServiceRestart(@TempDir Path dir) throws Exception {
        try (CallJournal journal = CallJournal.open(dir).journal()) {
            journal.append(answeredCall("c_live"), true);
        }
        List<CallRecord> restored = CallJournal.open(dir).records();

        List<CallRecord> recovered = CallJournal.failInterrupted(restored, T0.plusSeconds(100));

        assertThat(recovered).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CallStatus.FAILED);
            assertThat(r.hangupCause()).contains("service_restart");
            assertThat(r.hangupBy()).contains("system");
            assertThat(r.endedAt()).contains(T0.plusSeconds(100));
            assertThat(r.transcript()).hasSize(2);
        });
    }

    @Test
    void compactionKeepsOneLinePerCall(@TempDir Path dir) throws Exception {
        try (CallJournal journal = CallJournal.open(dir).journal()) {
            CallRecord r = answeredCall("c_1");
            for (int i = 0; i < 20; i++) {
                r = r.withDtmf("1");
                journal.append(r, false);
            }
        }
        CallJournal.open(dir).journal().close();

        assertThat(Files.readAllLines(dir.resolve("calls.jsonl"))).hasSize(1);
    }

    @Test
    void changesFromManyThreadsAreAllOnDiskAfterAFlush(@TempDir Path dir) throws Exception {
        CallJournal journal = CallJournal.open(dir).journal();
        try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        journal.append(answeredCall("c_" + thread + "_" + i), i % 3 == 0);
                    }
                });
            }
        }
        journal.flush();

        assertThat(CallJournal.open(dir).records()).hasSize(800);
        journal.close();
    }
}
