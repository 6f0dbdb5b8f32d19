package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals written before endings were typed hold {@code hangup_cause} and {@code hangup_by} as free
 * strings: they read back with the same wire names, and anything this version does not know reads as
 * {@code unknown} instead of failing the start.
 */
class OldJournalEndingsTest {

    private static String line(String id, String status, String extra) {
        return "{\"id\":\"" + id + "\",\"phone_number\":\"79990001122\",\"mode\":\"sip\",\"status\":\"" + status
                + "\",\"created_at\":\"2026-11-20T10:00:00Z\",\"ended_at\":\"2026-11-20T10:01:00Z\"" + extra
                + ",\"transcript\":[],\"dtmf\":\"\",\"media\":{},\"holds\":[],\"request\":{\"dynamic_variables\":{}},"
                + "\"metadata\":{},\"events\":[]}\n";
    }

    @Test
    void anOldJournalsEndingsReadBackAndStrangersReadAsUnknown(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("calls.jsonl"),
                line("c_known", "completed", ",\"hangup_cause\":\"remote_hangup\",\"hangup_by\":\"remote\"")
                        + line("c_ring", "no_answer", ",\"hangup_cause\":\"no_answer\",\"hangup_by\":\"remote\"")
                        + line("c_agent", "failed", ",\"hangup_cause\":\"ai_rejected\",\"hangup_by\":\"agent\"")
                        + line("c_strange", "completed", ",\"hangup_cause\":\"normal_clearing\",\"hangup_by\":\"operator\"")
                        + line("c_bare", "failed", "")
                        + line("c_null", "busy", ",\"hangup_cause\":null,\"hangup_by\":7"));

        CallJournal.Opened opened = CallJournal.open(dir);
        opened.journal().close();

        assertThat(opened.quarantinedLines()).isZero();
        Map<String, CallRecord> byId = opened.records().stream()
                .collect(Collectors.toMap(CallRecord::id, Function.identity()));
        assertThat(byId.get("c_known").ending())
                .contains(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE));
        assertThat(byId.get("c_ring").ending()).as("an old ring timeout keeps what it said")
                .contains(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.REMOTE));
        assertThat(byId.get("c_agent").ending())
                .contains(new CallEnding(CallStatus.FAILED, EndCause.AI_REJECTED, EndedBy.AGENT));
        assertThat(byId.get("c_strange").ending())
                .contains(new CallEnding(CallStatus.COMPLETED, EndCause.UNKNOWN, EndedBy.UNKNOWN));
        assertThat(byId.get("c_bare").ending())
                .contains(new CallEnding(CallStatus.FAILED, EndCause.UNKNOWN, EndedBy.UNKNOWN));
        assertThat(byId.get("c_null").ending())
                .contains(new CallEnding(CallStatus.BUSY, EndCause.UNKNOWN, EndedBy.UNKNOWN));

        Map<String, Object> api = byId.get("c_strange").toJson(byId.get("c_strange").endedAt().orElseThrow());
        assertThat(api).containsEntry("status", "completed").containsEntry("hangup_cause", "unknown")
                .containsEntry("hangup_by", "unknown");
    }

    @Test
    void aTypedEndingWritesTheSameWireNamesItReads() {
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        CallRecord dialing = CallRecord.dialing("c_1", CallMode.SIP, TestCalls.request("79990001122"), t0);
        CallRecord ended = dialing.withEnd(new CallEnding(CallStatus.NO_ANSWER, EndCause.NO_ANSWER, EndedBy.US),
                t0.plusSeconds(60));

        Map<String, Object> json = ended.toJson(t0.plusSeconds(60));

        assertThat(json).containsEntry("status", "no_answer").containsEntry("hangup_cause", "no_answer")
                .containsEntry("hangup_by", "us").containsEntry("ended_at", "2026-11-25T10:01:00Z");
        assertThat(CallRecord.fromJson(json).ending()).isEqualTo(ended.ending());
        assertThat(CallRecord.fromJson(dialing.toJson(t0)).ending()).as("a live call has no ending").isEmpty();
        assertThat(dialing.toJson(t0)).containsEntry("hangup_cause", null).containsEntry("hangup_by", null);
    }
}
