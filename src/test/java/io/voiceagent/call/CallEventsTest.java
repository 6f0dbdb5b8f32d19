package io.voiceagent.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallEventsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static CallRecord dialing(String id) {
        StartCallRequest request = TestCalls.request("79990001122");
        return CallRecord.dialing(id, CallMode.SIP, request, T0);
    }

    private static List<CallEvents.Event> all(CallEvents events) throws InterruptedException {
        return events.awaitAfter(0, Duration.ZERO).events();
    }

    @Test
    void aStatusChangeIsOneCallEventAndASaveThatChangesNothingVisibleIsNone() throws Exception {
        CallEvents events = new CallEvents(100);
        CallRecord call = dialing("c1");
        events.onSaved(call);
        events.onSaved(call);
        events.onSaved(call.withStatus(CallStatus.RINGING, T0.plusSeconds(1)));

        assertThat(all(events)).extracting(CallEvents.Event::type)
                .containsExactly(CallEvents.Type.CALL, CallEvents.Type.CALL);
        assertThat(all(events)).extracting(e -> e.data().get("status")).containsExactly("dialing", "ringing");
        assertThat(all(events)).extracting(CallEvents.Event::id).containsExactly(1L, 2L);
    }

    @Test
    void eachNewOrCorrectedTranscriptLineIsItsOwnEventWithItsIndex() throws Exception {
        CallEvents events = new CallEvents(100);
        CallRecord call = dialing("c1").withStatus(CallStatus.ANSWERED, T0);
        events.onSaved(call);
        call = call.withTranscriptLine(new TranscriptLine("agent", "Hello, this is a long greet", T0));
        events.onSaved(call);
        call = call.withTranscriptLine(new TranscriptLine("user", "Hi", T0.plusSeconds(2)));
        events.onSaved(call);
        events.onSaved(call.withLastAgentLineCorrected("Hello"));

        List<CallEvents.Event> transcript = all(events).stream()
                .filter(e -> e.type() == CallEvents.Type.TRANSCRIPT).toList();
        assertThat(transcript).extracting(e -> e.data().get("index") + " " + e.data().get("text"))
                .containsExactly("0 Hello, this is a long greet", "1 Hi", "0 Hello");
    }

    @Test
    void anEndedCallLeavesTheLiveList() throws Exception {
        CallEvents events = new CallEvents(100);
        CallRecord call = dialing("c1");
        events.onSaved(call);
        events.onSaved(dialing("c2"));
        assertThat(events.liveCallIds()).containsExactlyInAnyOrder("c1", "c2");

        events.onSaved(call.withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE), T0.plusSeconds(9)));

        assertThat(events.liveCallIds()).containsExactly("c2");
        assertThat(all(events).getLast().data()).containsEntry("status", "completed").containsKey("media");
    }

    @Test
    void aReaderThatFellBehindTheBufferIsToldItMissedSome() throws Exception {
        CallEvents events = new CallEvents(2);
        for (int i = 0; i < 5; i++) {
            events.onSaved(dialing("c" + i));
        }

        CallEvents.Batch behind = events.awaitAfter(1, Duration.ZERO);
        CallEvents.Batch justInTime = events.awaitAfter(3, Duration.ZERO);

        assertThat(behind.missedSome()).isTrue();
        assertThat(behind.events()).extracting(CallEvents.Event::id).containsExactly(4L, 5L);
        assertThat(justInTime.missedSome()).isFalse();
        assertThat(justInTime.events()).extracting(CallEvents.Event::id).containsExactly(4L, 5L);
    }

    @Test
    void anIdFromBeforeARestartGetsEverythingKeptAndAReset() throws Exception {
        CallEvents events = new CallEvents(10);
        events.onSaved(dialing("c1"));

        CallEvents.Batch batch = events.awaitAfter(500, Duration.ofSeconds(30));

        assertThat(batch.missedSome()).isTrue();
        assertThat(batch.events()).hasSize(1);
        assertThat(batch.newestId()).isEqualTo(1);
    }

    @Test
    void aWaitingReaderWakesForTheNextEventAndForClose() throws Exception {
        CallEvents events = new CallEvents(10);
        Thread publisher = Thread.ofVirtual().start(() -> events.onSaved(dialing("c1")));

        CallEvents.Batch batch = events.awaitAfter(0, Duration.ofMinutes(1));
        publisher.join();
        assertThat(batch.events()).hasSize(1);

        Thread closer = Thread.ofVirtual().start(events::close);
        CallEvents.Batch closed = events.awaitAfter(1, Duration.ofMinutes(1));
        closer.join();
        assertThat(closed.closed()).isTrue();
    }
}
