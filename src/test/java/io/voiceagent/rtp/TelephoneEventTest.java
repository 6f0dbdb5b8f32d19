package io.voiceagent.rtp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 4733 telephone-events, received and sent. */
class TelephoneEventTest {

    @Test
    void parsesAndWritesThePayload() {
        TelephoneEvent event = TelephoneEvent.parse(new byte[]{11, (byte) 0x8A, 0x03, 0x20}).orElseThrow();
        assertThat(event).isEqualTo(new TelephoneEvent(11, true, 10, 800));
        assertThat(event.digit()).contains('#');
        byte[] out = new byte[4];
        event.writeTo(out, 0);
        assertThat(out).containsExactly(11, 0x8A, 0x03, 0x20);
        assertThat(TelephoneEvent.parse(new byte[3])).isEmpty();
    }

    @Test
    void threeEndPacketsCountOnce() {
        DtmfReceiver receiver = new DtmfReceiver();
        StringBuilder digits = new StringBuilder();
        for (int d = 160; d <= 640; d += 160) {
            digits.append(receiver.onPacket(1000, new TelephoneEvent(5, false, 10, d)));
        }
        for (int i = 0; i < 3; i++) {
            digits.append(receiver.onPacket(1000, new TelephoneEvent(5, true, 10, 800)));
        }
        assertThat(digits).hasToString("5");
    }

    @Test
    void theSameKeyPressedTwiceIsTwoDigitsByItsTimestamp() {
        DtmfReceiver receiver = new DtmfReceiver();
        StringBuilder digits = new StringBuilder();
        digits.append(receiver.onPacket(1000, new TelephoneEvent(1, true, 10, 800)));
        digits.append(receiver.onPacket(1000, new TelephoneEvent(1, true, 10, 800)));
        digits.append(receiver.onPacket(3000, new TelephoneEvent(1, true, 10, 800)));
        assertThat(digits).hasToString("11");
    }

    @Test
    void anEventWhoseEndPacketsWereAllLostIsReportedWhenTheNextBegins() {
        DtmfReceiver receiver = new DtmfReceiver();
        assertThat(receiver.onPacket(1000, new TelephoneEvent(9, false, 10, 160))).isEmpty();
        assertThat(receiver.onPacket(1000, new TelephoneEvent(9, false, 10, 320))).isEmpty();
        assertThat(receiver.onPacket(4000, new TelephoneEvent(10, false, 10, 160))).isEqualTo("9");
        assertThat(receiver.onPacket(4000, new TelephoneEvent(10, true, 10, 800))).isEqualTo("*");
    }

    @Test
    void theSenderPlansMarkerGrowingDurationsThreeEndsAndAGap() {
        DtmfSender sender = new DtmfSender();
        assertThat(sender.enqueue("1x", () -> { })).isFalse();
        assertThat(sender.idle()).isTrue();
        assertThat(sender.enqueue("1#", () -> { })).isTrue();
        List<Optional<DtmfSender.Step>> steps = new ArrayList<>();
        for (int tick = 0; tick < 20; tick++) {
            steps.add(sender.next(5000 + 160L * tick, 160));
        }
        for (int tick = 0; tick < 7; tick++) {
            DtmfSender.Step step = steps.get(tick).orElseThrow();
            assertThat(step.eventTimestamp()).isEqualTo(5000);
            assertThat(step.marker()).isEqualTo(tick == 0);
            assertThat(step.event().event()).isEqualTo(1);
            assertThat(step.event().end()).isEqualTo(tick >= 4);
            assertThat(step.event().duration()).isEqualTo(160 * Math.min(tick + 1, 5));
        }
        assertThat(steps.subList(7, 10)).allMatch(Optional::isEmpty);
        DtmfSender.Step second = steps.get(10).orElseThrow();
        assertThat(second.event().event()).isEqualTo(11);
        assertThat(second.marker()).isTrue();
        assertThat(second.eventTimestamp()).isEqualTo(5000 + 160 * 10);
        assertThat(steps.subList(17, 20)).allMatch(Optional::isEmpty);
        assertThat(sender.idle()).isTrue();
    }

    @Test
    void pausesAreTicksOfAudioAndTheCallbackRunsWithTheLastDigitsFinalPacket() {
        DtmfSender sender = new DtmfSender();
        java.util.concurrent.atomic.AtomicInteger doneAtTick = new java.util.concurrent.atomic.AtomicInteger(-1);
        int[] tick = {0};
        assertThat(sender.enqueue("1w2", () -> doneAtTick.set(tick[0]))).isTrue();
        List<Optional<DtmfSender.Step>> steps = new ArrayList<>();
        for (; tick[0] < 60; tick[0]++) {
            steps.add(sender.next(160L * tick[0], 160));
        }
        int secondDigit = 10 + DtmfSender.SHORT_PAUSE_TICKS;
        assertThat(steps.subList(7, secondDigit)).allMatch(Optional::isEmpty);
        assertThat(steps.get(secondDigit).orElseThrow().event().event()).isEqualTo(2);
        assertThat(steps.get(secondDigit).orElseThrow().marker()).isTrue();
        assertThat(steps.get(secondDigit + 6).orElseThrow().event().end()).isTrue();
        assertThat(doneAtTick.get()).as("the tick of the second digit's last end packet").isEqualTo(secondDigit + 6);
        assertThat(sender.idle()).isTrue();
        assertThat(DtmfSender.valid("")).isFalse();
        assertThat(DtmfSender.valid("W0*#Dw")).isTrue();
    }
}
