package io.voiceagent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.call.CallEnding;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox on the journal's machinery: a call's thread never waits for the disk (an event is sent only
 * once its line is forced, by the attempt's own thread), what was queued before a stop is sent after the
 * restart, ended events leave the file, and an outbox written in the format before this one is read.
 */
class WebhookOutboxTest {
    private static final String SECRET = "whsec_0123456789abcdef";

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new WebhookReceiver(SECRET, clock);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        http.close();
    }

    private WebhookDispatcher dispatcher(WebhookOutbox outbox) {
        return new WebhookDispatcher(Optional.of(receiver.url()), Optional.of(Secret.of(SECRET)), outbox,
                new HttpWebhookSender(http, Duration.ofSeconds(5)), Backoff.DEFAULT, clock, () -> 1L << 63,
                new ServiceMetrics());
    }

    private static void await(List<Future<?>> attempts) throws Exception {
        for (Future<?> attempt : attempts) {
            attempt.get();
        }
    }

    private CallRecord ringing(String id) {
        Instant now = clock.instant();
        return CallRecord.dialing(id, CallMode.SIP, TestCalls.request("79990001122"), now)
                .withStatus(CallStatus.RINGING, now);
    }

    @Test
    void on_saved_returns_while_the_disk_is_stuck_and_the_event_is_sent_once_its_line_is_forced() throws Exception {
        HeldDisk disk = new HeldDisk();
        try (WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock, disk);
             WebhookDispatcher dispatcher = dispatcher(outbox);
             HeldDisk releasedFirst = disk) { // a failure must not leave the outbox's close waiting on the disk
            disk.hold();
            CallRecord ringing = ringing("c_slow");
            dispatcher.onSaved(ringing);
            disk.awaitForcing(); // the outbox's writer is stuck forcing the ringing event's line

            dispatcher.onSaved(ringing.withStatus(CallStatus.ANSWERED, clock.instant())); // returns all the same
            List<Future<?>> attempts = dispatcher.deliverDue();
            assertThat(attempts).as("the ringing event's attempt, waiting for the disk").hasSize(1);
            assertThat(attempts.getFirst()).isNotDone();
            assertThat(receiver.all()).as("nothing is sent before its line is on disk").isEmpty();
            assertThat(dispatcher.deliveries("c_slow")).extracting(d -> d.get("type"), d -> d.get("attempts"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("call.ringing", 0),
                            org.assertj.core.groups.Tuple.tuple("call.answered", 0));

            disk.release();
            await(attempts);
            await(dispatcher.deliverDue());
            assertThat(receiver.all()).extracting(WebhookReceiver.Received::eventId)
                    .containsExactly("evt_c_slow_ringing", "evt_c_slow_answered");
        }
    }

    @Test
    void events_queued_but_not_sent_before_a_stop_are_sent_in_order_after_the_restart() throws Exception {
        CallRecord ringing = ringing("c_stop");
        try (WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock);
             WebhookDispatcher dispatcher = dispatcher(outbox)) {
            dispatcher.onSaved(ringing);
            dispatcher.onSaved(ringing.withStatus(CallStatus.ANSWERED, clock.instant())
                    .withEnd(new CallEnding(CallStatus.COMPLETED, EndCause.REMOTE_HANGUP, EndedBy.REMOTE),
                            clock.instant().plusSeconds(5)));
        } // stopped at once: nothing was attempted

        try (WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock);
             WebhookDispatcher dispatcher = dispatcher(outbox)) {
            assertThat(outbox.pending()).extracting(Delivery::id)
                    .containsExactly("evt_c_stop_ringing", "evt_c_stop_answered", "evt_c_stop_ended");
            for (int round = 0; round < 3; round++) {
                await(dispatcher.deliverDue());
            }
            assertThat(receiver.all()).extracting(WebhookReceiver.Received::type)
                    .containsExactly("call.ringing", "call.answered", "call.ended");
            assertThat(receiver.all()).allMatch(WebhookReceiver.Received::signatureValid);
            assertThat(outbox.pending()).isEmpty();
        }
    }

    @Test
    void ended_events_leave_the_file_once_enough_have_ended() throws Exception {
        URI url = receiver.url();
        Instant now = clock.instant();
        try (WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock)) {
            outbox.added(Delivery.created("c_kept", EventType.RINGING, url, "{}", now));
            for (int i = 0; i < WebhookOutbox.COMPACT_AFTER; i++) {
                Delivery d = Delivery.created("c_" + i, EventType.RINGING, url, "{}", now);
                outbox.added(d);
                outbox.ended(d.attempted("200", now, DeliveryState.DELIVERED, now));
            }
        } // closing writes what is queued, and the compaction asked for

        List<String> lines = Files.readAllLines(dataDir.resolve(WebhookOutbox.FILE_NAME));
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("{\"id\":\"evt_c_kept_ringing\"");
    }

    @Test
    void an_outbox_in_the_format_before_the_journal_s_is_read_and_rewritten() throws Exception {
        String pendingBody = "{\"id\":\"evt_c_old_ringing\",\"type\":\"call.ringing\",\"call_id\":\"c_old\"}";
        String url = receiver.url().toString();
        Files.write(dataDir.resolve(WebhookOutbox.FILE_NAME), List.of(
                "{\"op\":\"event\",\"id\":\"evt_c_done_ringing\",\"attempts\":0,\"last_status\":null,"
                        + "\"last_attempt_at\":null,\"next_attempt_at\":\"2026-12-01T09:00:00Z\",\"call_id\":\"c_done\","
                        + "\"type\":\"call.ringing\",\"url\":\"" + url + "\",\"created_at\":\"2026-12-01T09:00:00Z\","
                        + "\"body\":\"{}\"}",
                "{\"op\":\"event\",\"id\":\"evt_c_old_ringing\",\"attempts\":0,\"last_status\":null,"
                        + "\"last_attempt_at\":null,\"next_attempt_at\":\"2026-12-01T09:00:00Z\",\"call_id\":\"c_old\","
                        + "\"type\":\"call.ringing\",\"url\":\"" + url + "\",\"created_at\":\"2026-12-01T09:00:00Z\","
                        + "\"body\":" + com.fasterxml.jackson.jr.ob.JSON.std.asString(pendingBody) + "}",
                "{\"op\":\"attempt\",\"id\":\"evt_c_old_ringing\",\"attempts\":1,\"last_status\":\"503\","
                        + "\"last_attempt_at\":\"2026-12-01T09:00:00Z\",\"next_attempt_at\":\"2026-12-01T09:00:05Z\"}",
                "{\"op\":\"done\",\"id\":\"evt_c_done_ringing\",\"attempts\":1,\"last_status\":\"200\","
                        + "\"last_attempt_at\":\"2026-12-01T09:00:00Z\",\"next_attempt_at\":\"2026-12-01T09:00:00Z\","
                        + "\"state\":\"delivered\"}"));

        try (WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock);
             WebhookDispatcher dispatcher = dispatcher(outbox)) {
            assertThat(outbox.pending()).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo("evt_c_old_ringing");
                assertThat(d.attempts()).isEqualTo(1);
                assertThat(d.lastStatus()).contains("503");
            });
            assertThat(Files.readAllLines(dataDir.resolve(WebhookOutbox.FILE_NAME))).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("{\"id\":\"evt_c_old_ringing\""));
            assertThat(dataDir.resolve(WebhookOutbox.LEGACY_FILE_NAME)).doesNotExist();

            await(dispatcher.deliverDue());
            assertThat(receiver.all()).singleElement().satisfies(got -> {
                assertThat(got.eventId()).isEqualTo("evt_c_old_ringing");
                assertThat(got.signatureValid()).isTrue();
                assertThat(got.body()).containsEntry("call_id", "c_old");
            });
        }
        try (WebhookOutbox reopened = WebhookOutbox.open(dataDir, clock)) {
            assertThat(reopened.pending()).isEmpty();
        }
    }
}
