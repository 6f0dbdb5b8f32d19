package io.voiceagent.ai;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EventPumpBackpressureTest {
    private final List<AgentEvent> delivered = new ArrayList<>();
    private final List<CompletableFuture<Void>> stages = new ArrayList<>();
    private final AtomicInteger resumes = new AtomicInteger();
    private final EventPump pump = new EventPump(event -> {
        delivered.add(event);
        CompletableFuture<Void> stage = new CompletableFuture<>();
        stages.add(stage);
        return stage;
    }, resumes::incrementAndGet, 3);

    private static AgentEvent audio(int id) {
        return new AgentEvent.Audio(new byte[]{(byte) id}, id);
    }

    @Test
    void deliversTheNextEventOnlyWhenThePreviousStageCompletes() {
        pump.offer(audio(1));
        pump.offer(audio(2));

        assertThat(delivered).hasSize(1);
        stages.getFirst().complete(null);
        assertThat(delivered).hasSize(2);
        assertThat(delivered).extracting(e -> ((AgentEvent.Audio) e).eventId()).containsExactly(1, 2);
    }

    @Test
    void pausesTheReaderAtHighWaterAndResumesWhenThereIsRoom() {
        pump.offer(audio(1));
        assertThat(pump.continueReading()).isTrue();
        pump.offer(audio(2));
        pump.offer(audio(3));
        assertThat(pump.continueReading()).isTrue();
        pump.offer(audio(4));
        assertThat(pump.continueReading()).isFalse();
        assertThat(resumes).hasValue(0);

        stages.getFirst().complete(null);

        assertThat(resumes).hasValue(1);
        assertThat(pump.waitingCount()).isEqualTo(2);
    }

    @Test
    void discardsWaitingAudioUpToAnInterruption() {
        pump.offer(audio(1));
        pump.offer(audio(2));
        pump.offer(new AgentEvent.AgentResponse("text"));
        pump.offer(audio(3));
        pump.offer(audio(4));

        int discarded = pump.discardAudioUpTo(3);
        stages.getFirst().complete(null);
        stages.get(1).complete(null);

        assertThat(discarded).isEqualTo(2);
        assertThat(delivered).containsExactly(delivered.getFirst(), new AgentEvent.AgentResponse("text"),
                delivered.get(2));
        assertThat(((AgentEvent.Audio) delivered.get(2)).eventId()).isEqualTo(4);
    }

    @Test
    void silencedDeliversNothingMoreAndReleasesAPausedReader() {
        pump.offer(audio(1));
        for (int i = 2; i <= 5; i++) {
            pump.offer(audio(i));
        }
        assertThat(pump.continueReading()).isFalse();

        pump.silence();
        stages.getFirst().complete(null);
        pump.offer(audio(6));

        assertThat(delivered).hasSize(1);
        assertThat(resumes).hasValue(1);
        assertThat(pump.continueReading()).isTrue();
    }

    @Test
    void aListenerThatThrowsDoesNotStopDelivery() {
        List<AgentEvent> seen = new ArrayList<>();
        EventPump throwing = new EventPump(event -> {
            seen.add(event);
            if (seen.size() == 1) {
                throw new IllegalStateException("boom");
            }
            return null;
        }, () -> { }, 3);

        throwing.offer(audio(1));
        throwing.offer(audio(2));

        assertThat(seen).hasSize(2);
    }

    @Test
    void synchronousStagesDoNotRecurse() {
        AtomicInteger count = new AtomicInteger();
        EventPump immediate = new EventPump(event -> {
            count.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, () -> { }, 100_000);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        EventPump gated = new EventPump(event -> count.get() == 0 ? gate : CompletableFuture.completedFuture(null),
                () -> { }, 100_000);

        for (int i = 0; i < 50_000; i++) {
            immediate.offer(audio(i));
            gated.offer(audio(i));
        }
        gate.complete(null);

        assertThat(count).hasValue(50_000);
        assertThat(gated.waitingCount()).isZero();
    }
}
