package io.voiceagent.ai;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SendQueueOrderingTest {
    private final RecordingWebSocket socket = new RecordingWebSocket();

    @Test
    void keepsOneSendOutstandingAndTheRestInOrder() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);

        queue.sendAudio("a1");
        queue.sendAudio("a2");
        queue.sendAudio("a3");

        assertThat(socket.texts).containsExactly("a1");
        assertThat(queue.depth()).isEqualTo(2);
        socket.completeNextSend();
        socket.completeNextSend();
        socket.completeNextSend();
        assertThat(socket.texts).containsExactly("a1", "a2", "a3");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void theThreadThatQueuesAFrameNeverSendsIt() {
        java.util.List<Runnable> connectionThread = new java.util.ArrayList<>();
        SendQueue queue = new SendQueue(socket, 10, connectionThread::add);

        queue.sendAudio("a1");
        queue.sendControl("pong");

        assertThat(socket.texts).isEmpty();
        assertThat(connectionThread).hasSize(1);
        connectionThread.removeFirst().run();
        assertThat(socket.texts).containsExactly("pong", "a1");
    }

    @Test
    void theReaderSendsAPongItselfWhenNoSendIsUnderWay() {
        java.util.List<Runnable> connectionThread = new java.util.ArrayList<>();
        SendQueue queue = new SendQueue(socket, 10, connectionThread::add);

        java.util.List<String> handedOver = new java.util.ArrayList<>();
        assertThat(queue.sendControlNow("pong", () -> handedOver.add("sent so far: " + socket.texts))).isTrue();

        assertThat(socket.texts).containsExactly("pong");
        assertThat(handedOver).containsExactly("sent so far: []");
        assertThat(connectionThread).isEmpty();
    }

    @Test
    void theReaderTakesOverADrainNotYetStartedInsteadOfWaitingForItsThread() {
        java.util.List<Runnable> connectionThread = new java.util.ArrayList<>();
        SendQueue queue = new SendQueue(socket, 10, connectionThread::add);
        queue.sendAudio("a1");
        assertThat(connectionThread).as("a drain handed to the connection's thread, not started").hasSize(1);

        java.util.List<String> handedOver = new java.util.ArrayList<>();
        assertThat(queue.sendControlNow("pong", () -> handedOver.add("sent so far: " + socket.texts))).isTrue();

        assertThat(handedOver).containsExactly("sent so far: []");
        assertThat(socket.texts).containsExactly("pong", "a1");
        connectionThread.removeFirst().run(); // the drain it took over starts at last and finds it done
        assertThat(socket.texts).containsExactly("pong", "a1");
        queue.sendAudio("a2");
        connectionThread.removeFirst().run();
        assertThat(socket.texts).containsExactly("pong", "a1", "a2");
    }

    @Test
    void aPongBehindAnOutstandingSendWaitsForItThenGoesBeforeQueuedAudio() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);
        queue.sendAudio("a1");
        queue.sendAudio("a2");

        java.util.List<String> handedOver = new java.util.ArrayList<>();
        queue.sendControlNow("pong", () -> handedOver.add("sent so far: " + socket.texts));
        assertThat(socket.texts).containsExactly("a1");
        assertThat(handedOver).as("not handed over while a1 is outstanding").isEmpty();
        socket.completeNextSend();
        assertThat(handedOver).containsExactly("sent so far: [a1]");
        socket.completeNextSend();
        socket.completeNextSend();

        assertThat(socket.texts).containsExactly("a1", "pong", "a2");
    }

    @Test
    void controlFramesOvertakeQueuedAudio() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);
        queue.sendAudio("a1");
        queue.sendAudio("a2");

        queue.sendControl("pong");
        socket.completeNextSend();
        socket.completeNextSend();
        socket.completeNextSend();

        assertThat(socket.texts).containsExactly("a1", "pong", "a2");
    }

    @Test
    void dropsTheOldestAudioWhenTheSocketFallsBehind() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 2, Runnable::run);
        queue.sendAudio("a1");

        queue.sendAudio("a2");
        queue.sendAudio("a3");
        queue.sendAudio("a4");
        for (int i = 0; i < 3; i++) {
            socket.completeNextSend();
        }

        assertThat(socket.texts).containsExactly("a1", "a3", "a4");
        assertThat(queue.audioDropped()).isEqualTo(1);
    }

    @Test
    void closeSendsControlFirstThenTheCloseAndDiscardsAudio() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);
        queue.sendAudio("a1");
        queue.sendAudio("a2");
        queue.sendControl("tool result");

        queue.close(1000, "", Duration.ofSeconds(5));
        boolean accepted = queue.sendAudio("a3");
        socket.completeNextSend();
        socket.completeNextSend();

        assertThat(accepted).isFalse();
        assertThat(socket.texts).containsExactly("a1", "tool result");
        assertThat(socket.closes).containsExactly("1000 ");
    }

    @Test
    void aFailedSendStopsTheQueue() {
        socket.holdSends();
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);
        queue.sendAudio("a1");
        queue.sendAudio("a2");

        socket.failNextSend();

        assertThat(queue.sendAudio("a3")).isFalse();
        assertThat(socket.texts).containsExactly("a1");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void abortsWhenThePeerDoesNotAnswerTheClose() throws Exception {
        SendQueue queue = new SendQueue(socket, 10, Runnable::run);

        queue.close(1000, "", Duration.ofMillis(20));

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!socket.aborted.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(socket.aborted).isTrue();
    }

    @Test
    void sendsFromManyThreadsNeverOverlap() throws Exception {
        SendQueue queue = new SendQueue(socket, 10_000, Runnable::run);
        Thread[] senders = new Thread[8];
        for (int t = 0; t < senders.length; t++) {
            int id = t;
            senders[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 500; i++) {
                    queue.sendAudio(id + ":" + i);
                }
            });
        }
        for (Thread sender : senders) {
            sender.join();
        }

        // RecordingWebSocket throws on an overlapping send, which would fail the queue
        assertThat(socket.texts).hasSize(4000);
        assertThat(queue.sendAudio("after")).isTrue();
    }
}
