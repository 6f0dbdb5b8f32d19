package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** While the journal fails, each call's queued changes become one, with the same effect when replayed. */
class QueuedChangesCoalesceTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static CallRecord dialing(String id) {
        StartCallRequest request = new StartCallRequest("79990001122", Optional.of("Hello"), Optional.empty(),
                Optional.of("ru"), Map.of("name", "Ivan"), Map.of(), Optional.empty(), Optional.empty());
        return CallRecord.dialing(id, CallMode.SIP, request, T0);
    }

    /** The states after replaying {@code entries}, as the journal would after writing them. */
    private static Map<String, Map<String, Object>> replayed(List<CallJournal.Entry> entries) throws Exception {
        JournalLines.Replay replay = new JournalLines.Replay();
        for (CallJournal.Entry entry : entries) {
            replay.apply(new String(entry.line().bytes(), StandardCharsets.UTF_8).strip());
        }
        return replay.states();
    }

    /** Built once: making a thousand deltas from records is the slow part of these tests. */
    private static List<CallJournal.Entry> outage;

    @BeforeAll
    static void makeOutage() throws Exception {
        outage = List.copyOf(changesDuringAnOutage());
    }

    private static List<CallJournal.Entry> outage() {
        return outage;
    }

    /** Snapshots of three calls, then hundreds of changes to each, interleaved as live calls make them. */
    private static List<CallJournal.Entry> changesDuringAnOutage() throws Exception {
        List<CallJournal.Entry> entries = new ArrayList<>();
        long seq = 0;
        CallRecord[] calls = {dialing("c_1"), dialing("c_2"), dialing("c_3")};
        for (CallRecord call : calls) {
            entries.add(new CallJournal.Entry(++seq, JournalLines.snapshot(call, Optional.empty())));
        }
        for (int step = 0; step < 400; step++) {
            for (int i = 0; i < calls.length; i++) {
                CallRecord before = calls[i];
                CallRecord after = switch (step % 4) {
                    case 0 -> before.withTranscriptLine(new TranscriptLine("user", "line " + step, T0.plusSeconds(step)));
                    case 1 -> before.withDtmf(String.valueOf(step % 10));
                    case 2 -> before.withTranscriptLine(new TranscriptLine("agent", "reply " + step, T0.plusSeconds(step)));
                    default -> before.withStatus(step % 8 == 3 ? CallStatus.RINGING : CallStatus.ANSWERED,
                            T0.plusSeconds(step));
                };
                Optional<JournalLines.Line> delta = JournalLines.delta(before, after);
                if (delta.isPresent()) {
                    entries.add(new CallJournal.Entry(++seq, delta.get()));
                }
                calls[i] = after;
            }
        }
        return entries;
    }

    @Test
    void eachCallsRunOfChangesBecomesOneChangeWithTheSameEffect() throws Exception {
        List<CallJournal.Entry> queued = outage();
        assertThat(queued.size()).isGreaterThan(CallJournal.COALESCE_ABOVE);

        List<CallJournal.Entry> coalesced = CallJournal.coalesce(queued);

        assertThat(coalesced).hasSize(6); // three snapshots, one change per call
        assertThat(replayed(coalesced)).isEqualTo(replayed(queued));
        long before = queued.stream().mapToLong(e -> e.line().bytes().length).sum();
        long after = coalesced.stream().mapToLong(e -> e.line().bytes().length).sum();
        assertThat(after).isLessThan(before / 2); // what remains is mostly the transcript itself
    }

    @Test
    void orderAndSequenceNumbersAreKeptSoWaitersAreReleased() throws Exception {
        List<CallJournal.Entry> queued = outage();

        List<CallJournal.Entry> coalesced = CallJournal.coalesce(queued);

        assertThat(coalesced).extracting(CallJournal.Entry::seq).isSorted();
        assertThat(coalesced.getLast().seq()).isEqualTo(queued.getLast().seq());
        assertThat(coalesced.subList(0, 3)).isEqualTo(queued.subList(0, 3));
    }

    @Test
    void aSnapshotBetweenChangesIsKeptInItsPlace() throws Exception {
        List<CallJournal.Entry> queued = new ArrayList<>(outage());
        CallRecord restated = dialing("c_2").withStatus(CallStatus.RINGING, T0.plusSeconds(9));
        int middle = queued.size() / 2;
        queued.add(middle, new CallJournal.Entry(queued.get(middle - 1).seq(),
                JournalLines.snapshot(restated, Optional.empty())));

        List<CallJournal.Entry> coalesced = CallJournal.coalesce(queued);

        assertThat(coalesced).hasSize(8); // c_2's changes before and after the snapshot stay apart
        assertThat(replayed(coalesced)).isEqualTo(replayed(queued));
    }

    @Test
    void aSetAfterAppendsReplacesThemAndAppendsAfterASetJoinIt() throws Exception {
        byte[] append = "{\"delta\":\"c_1\",\"add\":{\"transcript\":[{\"role\":\"user\",\"text\":\"a\"}]}}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] replace = "{\"delta\":\"c_1\",\"set\":{\"transcript\":[{\"role\":\"agent\",\"text\":\"b\"}]}}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] appendAgain = "{\"delta\":\"c_1\",\"add\":{\"transcript\":[{\"role\":\"user\",\"text\":\"c\"}]}}\n"
                .getBytes(StandardCharsets.UTF_8);

        JournalLines.Line merged = JournalLines.merge(List.of(new JournalLines.Line(append, true),
                new JournalLines.Line(replace, false), new JournalLines.Line(appendAgain, true)));

        assertThat(new String(merged.bytes(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"delta\":\"c_1\",\"set\":{\"transcript\":[{\"role\":\"agent\",\"text\":\"b\"},"
                        + "{\"role\":\"user\",\"text\":\"c\"}]}}\n");
        assertThat(merged.live()).isFalse();
    }

    @Test
    void aShortQueueIsLeftAsItIs() throws Exception {
        List<CallJournal.Entry> queued = outage().subList(0, 10);

        assertThat(CallJournal.coalesce(queued)).isSameAs(queued);
    }
}
